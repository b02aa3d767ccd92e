"""What the site's two apps share: its Application, its base handlers, its model base."""
