"""Chapter 21 · signal · 快速入门 Signals, and a quick start."""
