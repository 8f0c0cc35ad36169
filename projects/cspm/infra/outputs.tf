output "function_name" {
  value = aws_lambda_function.scanner.function_name
}

output "rule_arn" {
  value = aws_cloudwatch_event_rule.daily.arn
}

output "alerts_topic_arn" {
  value = aws_sns_topic.alerts.arn
}
