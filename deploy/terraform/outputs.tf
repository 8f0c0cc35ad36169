output "bucket" {
  description = "s3: in the site.yaml deploy target"
  value       = aws_s3_bucket.site.id
}

output "distribution_id" {
  description = "cloudfront: in the site.yaml deploy target"
  value       = aws_cloudfront_distribution.site.id
}

output "site_domain" {
  description = "Where the site answers; point the domain's DNS (an alias record) here"
  value       = aws_cloudfront_distribution.site.domain_name
}

output "deploy_policy_arn" {
  description = "Attach to whoever runs shiplog deploy"
  value       = aws_iam_policy.deploy.arn
}
