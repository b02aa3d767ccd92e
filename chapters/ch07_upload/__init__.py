"""Chapter 07 · 上传文件 File upload."""
