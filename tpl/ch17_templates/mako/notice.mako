<p class="notice notice-${level}">${text}</p>
