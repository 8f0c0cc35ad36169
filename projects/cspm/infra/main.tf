# The scheduled scanner: EventBridge rule -> Lambda (read-only role) -> SNS alert per new failure,
# with the set of open failures kept in DynamoDB between runs.

locals {
  projects_dir = "${path.module}/../.."
  # Ship only the cspm package (as top-level "cspm/"), without its tests and this folder.
  package_files = [for f in fileset(local.projects_dir, "cspm/**/*.py") : f if !startswith(f, "cspm/tests/")]
  excluded      = [for f in fileset(local.projects_dir, "**") : f if !contains(local.package_files, f)]
}

data "archive_file" "scanner" {
  type        = "zip"
  source_dir  = local.projects_dir
  excludes    = local.excluded
  output_path = "${path.module}/build/cspm.zip"
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "scanner" {
  name               = "${var.name}-scanner"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

# Exactly the read calls the collector makes (projects/cspm/collector.py ACTIONS; a test keeps them equal).
data "aws_iam_policy_document" "scanner" {
  statement {
    sid = "ReadAccountSecurityState"
    actions = [
      "iam:GenerateCredentialReport",
      "iam:GetCredentialReport",
      "iam:GetAccountSummary",
      "iam:GetAccountPasswordPolicy",
      "iam:ListUsers",
      "iam:ListAttachedUserPolicies",
      "iam:ListUserPolicies",
      "iam:ListAccessKeys",
      "iam:ListPolicies",
      "iam:GetPolicyVersion",
      "iam:ListEntitiesForPolicy",
      "access-analyzer:ListAnalyzers",
      "s3:GetAccountPublicAccessBlock",
      "s3:ListAllMyBuckets",
      "s3:GetBucketLocation",
      "s3:GetBucketPublicAccessBlock",
      "s3:GetBucketPolicy",
      "s3:GetBucketAcl",
      "s3:GetBucketVersioning",
      "s3:GetBucketLogging",
      "s3:GetEncryptionConfiguration",
      "ec2:DescribeRegions",
      "ec2:GetEbsEncryptionByDefault",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeVolumes",
      "cloudtrail:DescribeTrails",
      "cloudtrail:GetTrailStatus",
      "cloudtrail:GetEventSelectors",
      "kms:ListKeys",
      "kms:DescribeKey",
      "kms:GetKeyRotationStatus",
      "iam:ListVirtualMFADevices",
      "iam:ListServerCertificates",
      "ec2:DescribeInstances",
      "ec2:DescribeVpcs",
      "ec2:DescribeFlowLogs",
      "ec2:DescribeNetworkAcls",
      "rds:DescribeDBInstances",
      "elasticfilesystem:DescribeFileSystems",
      "config:DescribeConfigurationRecorders",
      "config:DescribeConfigurationRecorderStatus",
      "securityhub:DescribeHub",
      "logs:DescribeMetricFilters",
      "cloudwatch:DescribeAlarms",
      "sns:ListSubscriptionsByTopic",
    ]
    resources = ["*"]
  }
  statement {
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
  }
  statement {
    sid       = "RememberOpenFailures"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.state.arn]
  }
}

resource "aws_iam_role_policy" "scanner" {
  name   = "${var.name}-scanner"
  role   = aws_iam_role.scanner.id
  policy = data.aws_iam_policy_document.scanner.json
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.scanner.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_cloudwatch_log_group" "scanner" {
  name              = "/aws/lambda/${var.name}-scanner"
  retention_in_days = 365
}

resource "aws_lambda_function" "scanner" {
  function_name    = "${var.name}-scanner"
  role             = aws_iam_role.scanner.arn
  runtime          = "python3.11"
  handler          = "cspm.lambda_handler.handler"
  filename         = data.archive_file.scanner.output_path
  source_code_hash = data.archive_file.scanner.output_base64sha256
  timeout          = 900
  memory_size      = 512

  environment {
    variables = {
      CSPM_TOPIC_ARN   = aws_sns_topic.alerts.arn
      CSPM_STATE_TABLE = aws_dynamodb_table.state.name
      CSPM_REGIONS     = join(",", var.scan_regions)
    }
  }

  depends_on = [aws_cloudwatch_log_group.scanner, aws_iam_role_policy_attachment.logs]
}

# EventBridge rule (the Terraform resource keeps the CloudWatch Events name; same API).
resource "aws_cloudwatch_event_rule" "daily" {
  name                = "${var.name}-daily-scan"
  description         = "Daily CIS AWS Foundations v1.5 scan"
  schedule_expression = var.schedule_expression
}

resource "aws_cloudwatch_event_target" "scanner" {
  rule      = aws_cloudwatch_event_rule.daily.name
  target_id = "cspm-scanner"
  arn       = aws_lambda_function.scanner.arn
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEventBridgeInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.scanner.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.daily.arn
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_subscription" "email" {
  count     = var.alert_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

resource "aws_dynamodb_table" "state" {
  name         = "${var.name}-state"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "account"

  attribute {
    name = "account"
    type = "S"
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = true
  }
}
