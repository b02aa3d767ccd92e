"""Chapter 03 · 自定义UIMethod以UIModule: UIMethod and UIModule."""
