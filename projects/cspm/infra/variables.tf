variable "region" {
  description = "Region the scanner, its rule, topic and state table live in."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name shared by the function, rule, topic and table."
  type        = string
  default     = "cspm"
}

variable "schedule_expression" {
  description = "EventBridge schedule for the scan."
  type        = string
  default     = "rate(1 day)"
}

variable "scan_regions" {
  description = "Regions to scan; empty means every region enabled for the account."
  type        = list(string)
  default     = []
}

variable "alert_email" {
  description = "Optional e-mail subscriber for new-failure alerts (confirm the subscription mail)."
  type        = string
  default     = ""
}
