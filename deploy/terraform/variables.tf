variable "region" {
  description = "Region of the bucket. CloudFront itself is global."
  type        = string
  default     = "eu-west-1"
}

variable "bucket_name" {
  description = "The private bucket that holds the built site; the s3: key of the deploy target in site.yaml."
  type        = string
}

variable "domain_name" {
  description = "The site's own domain (alexrivera.dev), or empty to serve on the *.cloudfront.net name."
  type        = string
  default     = ""
}

variable "certificate_arn" {
  description = "An ACM certificate for domain_name, issued in us-east-1 (CloudFront reads only from there)."
  type        = string
  default     = ""
}

variable "price_class" {
  description = "PriceClass_100 serves from North America and Europe only, the cheapest."
  type        = string
  default     = "PriceClass_100"
}
