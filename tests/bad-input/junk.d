/* rejects: 2:1 expected `provider`, found `hello` */
hello world
