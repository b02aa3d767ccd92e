"""Chapter 12 · 自定义Web组件: session · 分布性session Sessions, local and distributed."""
