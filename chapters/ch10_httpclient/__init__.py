"""Chapter 10 · httpclient类库 AsyncHTTPClient."""
