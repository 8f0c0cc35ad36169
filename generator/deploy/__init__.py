"""Publishing a built site: to S3 (+ CloudFront) or to a GitHub Pages branch.

    files   the built folder -> SiteFile (key, sha256, content type, cache-control)
    plan    local files against what the host holds -> Plan (pure)
    s3      the S3 bucket and CloudFront: list, upload, delete, invalidate
    pages   the Pages branch: one commit of the whole site, pushed
"""
