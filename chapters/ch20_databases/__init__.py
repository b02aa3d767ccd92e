"""Chapter 20 · db&orm · 线程池异步 Databases and the thread pool."""
