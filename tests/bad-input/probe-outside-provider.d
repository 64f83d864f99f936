/* rejects: 2:1 probe declaration outside a provider */
probe start(int);
