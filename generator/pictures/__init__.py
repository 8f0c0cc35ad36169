"""Pictures made at build time: diagrams and charts as inline SVG, images resized to WebP
variants, and social cards. Each module here is pure (bytes or text in, bytes or text out) and
knows nothing of the site; the engine caches what they make in its store."""
