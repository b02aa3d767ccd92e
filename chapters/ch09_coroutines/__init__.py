"""Chapter 09 · 异步非阻塞 Coroutines and Future (装饰器 + Future)."""
