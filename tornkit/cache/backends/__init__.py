"""The cache backends: locmem, dummy, filebased, redis, memcached."""
