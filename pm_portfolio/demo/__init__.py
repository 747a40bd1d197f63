"""The demo maker: `flask seed-demo`, and the pictures it draws."""
