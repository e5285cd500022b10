"""The wiring of each front, asserted from the parsed templates.

moto creates these resources without checking them, and cfn-lint checks types
and names, not meaning: a permission with the wrong principal or SourceArn, a
misspelt target group attribute or a front that invokes ``$LATEST`` deploys on
both and fails on AWS. So everything a front needs to work on AWS is asserted
here, in the format AWS documents for it. The Function URL and the HTTP API,
which moto cannot create at all, are covered by these assertions alone.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from cfn_templates import load_template as load
from conftest import DEPLOYMENT_DIR
from example_site.health import HEALTH_CHECK_PATH

ALIAS = {"Ref": "LiveAlias"}
LAMBDA_INTEGRATION_URI = {
    "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
    "2015-03-31/functions/${LiveAlias}/invocations"
}


@pytest.fixture(scope="module")
def site() -> dict[str, Any]:
    return load("site.yml")["Resources"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return load("base.yml")["Resources"]  # type: ignore[no-any-return]


def properties(resources: dict[str, Any], name: str) -> dict[str, Any]:
    return resources[name]["Properties"]  # type: ignore[no-any-return]


def references(value: Any) -> list[Any]:
    """Every Ref, GetAtt and ${...} in ``value``."""
    if isinstance(value, dict):
        found: list[Any] = []
        for key, item in value.items():
            if key in ("Ref", "Fn::GetAtt"):
                found.append({key: item})
            elif key == "Fn::Sub" and isinstance(item, str):
                found.extend(part.split("}")[0] for part in item.split("${")[1:])
            found.extend(references(item))
        return found
    if isinstance(value, list):
        return [ref for item in value for ref in references(item)]
    return []


class TestFunctionUrl:
    def test_url_is_public_and_on_the_alias(self, site: dict[str, Any]) -> None:
        assert properties(site, "FunctionUrl") == {
            "TargetFunctionArn": {"Ref": "Function"},
            "Qualifier": "live",
            "AuthType": "NONE",
            "InvokeMode": {"Fn::If": ["StreamingOn", "RESPONSE_STREAM", "BUFFERED"]},
        }
        assert site["FunctionUrl"]["DependsOn"] == "LiveAlias"

    def test_url_streams_unless_streaming_is_off(self) -> None:
        conditions = load("site.yml")["Conditions"]

        assert conditions["StreamingOn"] == {
            "Fn::And": [
                {"Condition": "FunctionUrlOn"},
                {"Fn::Equals": [{"Ref": "EnableStreaming"}, "true"]},
            ]
        }

    def test_both_permissions_allow_everyone_on_the_alias(
        self, site: dict[str, Any]
    ) -> None:
        # https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html: since
        # October 2025 a public URL needs both statements.
        assert properties(site, "FunctionUrlPermission") == {
            "FunctionName": ALIAS,
            "Action": "lambda:InvokeFunctionUrl",
            "Principal": "*",
            "FunctionUrlAuthType": "NONE",
        }
        assert properties(site, "FunctionUrlInvokePermission") == {
            "FunctionName": ALIAS,
            "Action": "lambda:InvokeFunction",
            "Principal": "*",
            "InvokedViaFunctionUrl": True,
        }


class TestHttpApi:
    def test_integration_is_payload_2_on_the_alias(self, site: dict[str, Any]) -> None:
        assert properties(site, "HttpApiIntegration") == {
            "ApiId": {"Ref": "HttpApi"},
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": ALIAS,
            "PayloadFormatVersion": "2.0",
        }

    def test_default_route_and_stage(self, site: dict[str, Any]) -> None:
        assert properties(site, "HttpApi")["ProtocolType"] == "HTTP"
        assert properties(site, "HttpApiRoute") == {
            "ApiId": {"Ref": "HttpApi"},
            "RouteKey": "$default",
            "Target": {"Fn::Sub": "integrations/${HttpApiIntegration}"},
        }
        assert properties(site, "HttpApiStage") == {
            "ApiId": {"Ref": "HttpApi"},
            "StageName": "$default",
            "AutoDeploy": True,
        }

    def test_permission_is_for_this_api(self, site: dict[str, Any]) -> None:
        assert properties(site, "HttpApiPermission") == {
            "FunctionName": ALIAS,
            "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {
                "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:"
                "${AWS::AccountId}:${HttpApi}/*"
            },
        }


class TestRestApi:
    def test_every_media_type_is_binary(self, site: dict[str, Any]) -> None:
        assert properties(site, "RestApi")["BinaryMediaTypes"] == ["*/*"]

    @pytest.mark.parametrize(
        ("method", "resource"),
        [
            ("RestApiRootMethod", {"Fn::GetAtt": ["RestApi", "RootResourceId"]}),
            ("RestApiProxyMethod", {"Ref": "RestApiProxyResource"}),
        ],
    )
    def test_methods_proxy_every_verb_to_the_alias(
        self, site: dict[str, Any], method: str, resource: Any
    ) -> None:
        assert properties(site, method) == {
            "RestApiId": {"Ref": "RestApi"},
            "ResourceId": resource,
            "HttpMethod": "ANY",
            "AuthorizationType": "NONE",
            "Integration": {
                "Type": "AWS_PROXY",
                "IntegrationHttpMethod": "POST",
                "Uri": LAMBDA_INTEGRATION_URI,
            },
        }

    def test_proxy_resource_takes_every_path(self, site: dict[str, Any]) -> None:
        assert properties(site, "RestApiProxyResource") == {
            "RestApiId": {"Ref": "RestApi"},
            "ParentId": {"Fn::GetAtt": ["RestApi", "RootResourceId"]},
            "PathPart": "{proxy+}",
        }

    def test_deployment_follows_the_methods_and_the_stage_uses_it(
        self, site: dict[str, Any]
    ) -> None:
        assert site["RestApiDeployment"]["DependsOn"] == [
            "RestApiRootMethod",
            "RestApiProxyMethod",
        ]
        assert properties(site, "RestApiStage") == {
            "RestApiId": {"Ref": "RestApi"},
            "DeploymentId": {"Ref": "RestApiDeployment"},
            "StageName": {"Ref": "RestApiStageName"},
        }

    def test_permission_is_for_this_api(self, site: dict[str, Any]) -> None:
        assert properties(site, "RestApiPermission") == {
            "FunctionName": ALIAS,
            "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {
                "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:"
                "${AWS::AccountId}:${RestApi}/*"
            },
        }


class TestAlb:
    def test_target_group_sends_multi_value_events_to_the_alias(
        self, site: dict[str, Any]
    ) -> None:
        target_group = properties(site, "TargetGroup")

        assert target_group["TargetType"] == "lambda"
        assert target_group["Targets"] == [{"Id": ALIAS}]
        # The attribute's exact name: a misspelt one is accepted and ignored.
        assert target_group["TargetGroupAttributes"] == [
            {"Key": "lambda.multi_value_headers.enabled", "Value": "true"}
        ]

    def test_health_check_uses_the_path_answered_without_host(
        self, site: dict[str, Any]
    ) -> None:
        target_group = properties(site, "TargetGroup")

        assert target_group["HealthCheckEnabled"] is True
        assert target_group["HealthCheckPath"] == HEALTH_CHECK_PATH

    def test_permission_names_the_target_group_before_it_exists(
        self, site: dict[str, Any]
    ) -> None:
        assert properties(site, "AlbPermission") == {
            "FunctionName": ALIAS,
            "Action": "lambda:InvokeFunction",
            "Principal": "elasticloadbalancing.amazonaws.com",
            "SourceArn": {
                "Fn::Sub": "arn:${AWS::Partition}:elasticloadbalancing:"
                "${AWS::Region}:${AWS::AccountId}:targetgroup/${FunctionName}-tg/*"
            },
        }
        assert properties(site, "TargetGroup")["Name"] == {
            "Fn::Sub": "${FunctionName}-tg"
        }
        assert site["TargetGroup"]["DependsOn"] == "AlbPermission"

    def test_listener_forwards_http_to_the_target_group(
        self, site: dict[str, Any]
    ) -> None:
        assert properties(site, "Listener") == {
            "LoadBalancerArn": {"Ref": "LoadBalancer"},
            "Port": 80,
            "Protocol": "HTTP",
            "DefaultActions": [
                {"Type": "forward", "TargetGroupArn": {"Ref": "TargetGroup"}}
            ],
        }


class TestFunction:
    def test_handler_is_the_contrib_django_handler(self, site: dict[str, Any]) -> None:
        function = properties(site, "Function")

        assert function["Handler"] == (
            "apig_wsgi.contrib.django.handler.streaming_handler"
        )
        assert function["Architectures"] == [{"Ref": "Architecture"}]
        assert function["SnapStart"] == {
            "Fn::If": [
                "SnapStartOn",
                {"ApplyOn": "PublishedVersions"},
                {"Ref": "AWS::NoValue"},
            ]
        }

    def test_environment_names_what_the_settings_read(
        self, site: dict[str, Any]
    ) -> None:
        settings = (DEPLOYMENT_DIR.parent / "example_site" / "settings.py").read_text()
        variables = properties(site, "Function")["Environment"]["Variables"]

        assert sorted(variables) == [
            "AWS_LAMBDA_EXEC_WRAPPER",
            "DJANGO_ALLOWED_HOSTS",
            "DJANGO_CSRF_TRUSTED_ORIGINS",
            "DJANGO_DATABASE_URL_PARAMETER",
            "DJANGO_SECRET_KEY_PARAMETER",
            "DJANGO_SECURE_COOKIES",
            "DJANGO_SETTINGS_MODULE",
            "TASKS_QUEUE_URL",
        ]
        for name in variables:
            if name not in ("DJANGO_SETTINGS_MODULE", "AWS_LAMBDA_EXEC_WRAPPER"):
                assert f'"{name}"' in settings, name

    def test_exec_wrapper_is_the_zips_run_wsgi_when_streaming(
        self, site: dict[str, Any]
    ) -> None:
        variables = properties(site, "Function")["Environment"]["Variables"]

        # Lambda unpacks the zip in /var/task; build_lambda_zip.py puts the
        # wrapper at its root.
        assert variables["AWS_LAMBDA_EXEC_WRAPPER"] == {
            "Fn::If": ["StreamingOn", "/var/task/run-wsgi", {"Ref": "AWS::NoValue"}]
        }
        assert (DEPLOYMENT_DIR / "run-wsgi").read_text() == (
            DEPLOYMENT_DIR.parents[1] / "docs/examples/streaming/run-wsgi"
        ).read_text()

    def test_streaming_and_snapstart_exclude_each_other(self) -> None:
        rule = load("site.yml")["Rules"]["StreamingWithoutSnapStart"]

        assert rule["RuleCondition"] == {
            "Fn::Equals": [{"Ref": "EnableSnapStart"}, "true"]
        }
        assert [assertion["Assert"] for assertion in rule["Assertions"]] == [
            {
                "Fn::Or": [
                    {"Fn::Equals": [{"Ref": "EnableStreaming"}, "false"]},
                    {"Fn::Equals": [{"Ref": "EnableFunctionUrl"}, "false"]},
                ]
            }
        ]

    def test_allowed_hosts_are_each_fronts_host_and_the_custom_ones(
        self, site: dict[str, Any]
    ) -> None:
        variables = properties(site, "Function")["Environment"]["Variables"]

        assert variables["DJANGO_ALLOWED_HOSTS"] == {
            "Fn::Join": [
                ",",
                [
                    {
                        "Fn::If": [
                            "FunctionUrlOn",
                            {"Fn::Sub": ".lambda-url.${AWS::Region}.on.aws"},
                            "",
                        ]
                    },
                    {
                        "Fn::If": [
                            "HttpApiOn",
                            {
                                "Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}."
                                "${AWS::URLSuffix}"
                            },
                            "",
                        ]
                    },
                    {
                        "Fn::If": [
                            "RestApiOn",
                            {
                                "Fn::Sub": "${RestApi}.execute-api.${AWS::Region}."
                                "${AWS::URLSuffix}"
                            },
                            "",
                        ]
                    },
                    {
                        "Fn::If": [
                            "AlbOn",
                            {"Fn::GetAtt": ["LoadBalancer", "DNSName"]},
                            "",
                        ]
                    },
                    {"Ref": "AllowedHosts"},
                ],
            ]
        }

    def test_each_release_is_a_kept_version_of_exactly_this_code(
        self, site: dict[str, Any]
    ) -> None:
        version = site["FunctionVersion"]

        assert version["DeletionPolicy"] == "Retain"
        assert version["UpdateReplacePolicy"] == "Retain"
        assert version["Properties"] == {
            "FunctionName": {"Ref": "Function"},
            "CodeSha256": {"Ref": "CodeSha256"},
            "Description": {"Fn::Join": ["", ["Release ", {"Ref": "ReleaseId"}]]},
        }

    def test_live_alias_follows_the_release_unless_pinned(
        self, site: dict[str, Any]
    ) -> None:
        assert properties(site, "LiveAlias") == {
            "FunctionName": {"Ref": "Function"},
            "Name": "live",
            "FunctionVersion": {
                "Fn::If": [
                    "RollbackOn",
                    {"Ref": "LiveVersion"},
                    {"Fn::GetAtt": ["FunctionVersion", "Version"]},
                ]
            },
            "Description": {
                "Fn::If": [
                    "RollbackOn",
                    {
                        "Fn::Join": [
                            "",
                            ["Rolled back to version ", {"Ref": "LiveVersion"}],
                        ]
                    },
                    {"Fn::Join": ["", ["Release ", {"Ref": "ReleaseId"}]]},
                ]
            },
        }

    def test_no_front_invokes_the_unpublished_function(
        self, site: dict[str, Any]
    ) -> None:
        users = {
            name
            for name, resource in site.items()
            if {"Fn::GetAtt": ["Function", "Arn"]} in references(resource)
            or "Function.Arn" in references(resource)
        }

        assert users == set()


class TestTasks:
    def test_views_send_tasks_to_the_queue(self, site: dict[str, Any]) -> None:
        variables = properties(site, "Function")["Environment"]["Variables"]

        assert variables["TASKS_QUEUE_URL"] == {"Ref": "TaskQueue"}

    def test_queue_outlasts_six_timeouts_and_has_a_dead_letter_queue(
        self, site: dict[str, Any]
    ) -> None:
        queue = properties(site, "TaskQueue")
        timeout = properties(site, "Function")["Timeout"]

        assert queue["QueueName"] == {"Fn::Sub": "${FunctionName}-tasks"}
        # https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
        assert queue["VisibilityTimeout"] >= 6 * timeout
        assert queue["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": ["TaskDeadLetterQueue", "Arn"]},
            "maxReceiveCount": 3,
        }
        dead_letters = properties(site, "TaskDeadLetterQueue")
        # Longer than the task queue's default of four days: a message keeps
        # its first enqueue time in the dead-letter queue.
        assert dead_letters["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert "MessageRetentionPeriod" not in queue
        assert queue["SqsManagedSseEnabled"] is True
        assert dead_letters["SqsManagedSseEnabled"] is True

    def test_mapping_invokes_the_alias_and_reports_batch_item_failures(
        self, site: dict[str, Any]
    ) -> None:
        assert properties(site, "TaskQueueMapping") == {
            "EventSourceArn": {"Fn::GetAtt": ["TaskQueue", "Arn"]},
            "FunctionName": ALIAS,
            "BatchSize": 10,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        }

    def test_role_may_use_the_task_queue_by_its_name_only(
        self, site: dict[str, Any], base: dict[str, Any]
    ) -> None:
        policies = {
            policy["PolicyName"]: policy["PolicyDocument"]["Statement"]
            for policy in properties(base, "FunctionRole")["Policies"]
        }

        assert sorted(policies) == [
            "read-own-secrets",
            "use-own-task-queue",
            "write-own-logs",
        ]
        assert properties(site, "TaskQueue")["QueueName"] == {
            "Fn::Sub": "${FunctionName}-tasks"
        }
        # SendMessage for the views; the other three are what an event
        # source mapping needs of the function's role.
        assert policies["use-own-task-queue"] == [
            {
                "Effect": "Allow",
                "Action": [
                    "sqs:SendMessage",
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                ],
                "Resource": {
                    "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:"
                    "${AWS::AccountId}:${FunctionName}-tasks"
                },
            }
        ]


class TestBase:
    def test_role_may_write_its_logs_and_read_its_two_parameters(
        self, base: dict[str, Any]
    ) -> None:
        policies = {
            policy["PolicyName"]: policy["PolicyDocument"]["Statement"]
            for policy in properties(base, "FunctionRole")["Policies"]
            if policy["PolicyName"] != "use-own-task-queue"
        }

        assert policies == {
            "write-own-logs": [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": {
                        "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:"
                        "${AWS::AccountId}:log-group:/aws/lambda/${FunctionName}:*"
                    },
                }
            ],
            "read-own-secrets": [
                {
                    "Effect": "Allow",
                    "Action": "ssm:GetParameters",
                    "Resource": [
                        {
                            "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:"
                            "${AWS::AccountId}:parameter${ParameterPath}/secret-key"
                        },
                        {
                            "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:"
                            "${AWS::AccountId}:parameter${ParameterPath}/database-url"
                        },
                    ],
                }
            ],
        }

    def test_bucket_aborts_incomplete_uploads(self, base: dict[str, Any]) -> None:
        rules = properties(base, "CodeBucket")["LifecycleConfiguration"]["Rules"]

        assert {
            "Id": "AbortIncompleteUploads",
            "Status": "Enabled",
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
        } in rules


def test_playbook_hides_no_task_output() -> None:
    # A failed deploy must show why; nothing in these tasks is secret (the
    # SSM module hides the parameter values itself).
    hidden = [
        name
        for name in ("playbook.yml", "stack.yml")
        if "no_log" in json.dumps(yaml.safe_load((DEPLOYMENT_DIR / name).read_text()))
    ]

    assert hidden == []
