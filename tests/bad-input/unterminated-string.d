/* rejects: 2:16 unterminated string literal */
BEGIN { printf("started); }
