"""Chapter 11 · 基于异步非阻塞和Tornado-MySQL实现用户登录示例 Async MySQL login over a pool."""
