"""The top floor: each role's home page and the service navigation. It may import every
domain app; none imports it."""
