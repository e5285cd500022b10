"""The deployment: linters on its files, and whole playbook runs against moto.

The playbook runs unmodified, as a user would, against a moto server on
127.0.0.1 with the fronts moto can create: the REST API and the load balancer.
These runs prove that the playbook builds the zip, that both templates parse
and deploy, that the zip's S3 version and checksum reach a published version
that the live alias points to and every front invokes, that the task queue,
its dead-letter queue and its event source mapping deploy, that a second run
changes nothing, that a change publishes a new version, that a rollback moves
the alias, that a changed template redeploys the REST API, that a stack left in
ROLLBACK_COMPLETE is replaced, and that bad load balancer subnets stop the run
before anything is deployed, and so does SnapStart with streaming.

They do not prove that the deployment works on AWS. moto runs no Lambda code
(so the migration step is switched off here; test_lambda_zip.py sends the same
event to the built zip, and the queue's messages), checks no template Rules
(the playbook refuses SnapStart with streaming itself), evaluates no IAM
policy or resource permission, and ignores the bucket's
VersioningConfiguration (the playbook turns versioning on through the S3 API
too), BinaryMediaTypes and the target group's attributes and health check; it
skips the bucket policy and AWS::ApiGateway::Stage, and has no
AWS::Lambda::Url or AWS::ApiGatewayV2::* (so the Function URL, and with it
streaming, and the HTTP API stay off here). test_templates.py asserts all of
that wiring instead.
moto_support.py teaches moto AWS::Lambda::Alias and the Version's attribute
and CodeSha256 check. Nothing here checks service quotas, name clashes in a
real account, or VPC routing for the load balancer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from conftest import BIN_DIR
from conftest import DEPLOYMENT_DIR
from conftest import run_playbook
from moto.cloudformation.models import cloudformation_backends
from moto_support import moto_server

REGION = "eu-west-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, cwd=DEPLOYMENT_DIR, check=False
    )


def test_templates_pass_cfn_lint() -> None:
    result = run_tool(str(BIN_DIR / "cfn-lint"), "base.yml", "site.yml")

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_playbook_passes_ansible_lint_strict() -> None:
    result = run_tool(
        str(BIN_DIR / "ansible-lint"), "--offline", "--strict", "playbook.yml"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failure(s), 0 warning(s)" in result.stdout + result.stderr


def test_playbook_passes_syntax_check() -> None:
    result = run_playbook("--syntax-check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(
        "playbook: " + str(DEPLOYMENT_DIR / "playbook.yml")
    )


REGION = "eu-west-1"
ACCOUNT = "123456789012"
DATABASE_PASSWORD = "database-password-never-printed"
DATABASE_URL = f"postgres://site:{DATABASE_PASSWORD}@db.example.com:5432/site"
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": REGION,
    "DATABASE_URL": DATABASE_URL,
}
# moto's server runs in this process and warns about each resource type it
# skips; the module docstring lists them.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Tried to parse .* not supported by moto's CloudFormation:UserWarning"
)


@pytest.fixture
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


def aws(service: str, url: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def make_subnets(url: str, zones: list[str]) -> tuple[str, list[str]]:
    ec2 = aws("ec2", url)
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_ids = [
        ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zone
        )["Subnet"]["SubnetId"]
        for index, zone in enumerate(zones, start=1)
    ]
    return vpc_id, subnet_ids


class Deployer:
    """Runs the playbook against one moto server with the fronts moto has."""

    def __init__(self, url: str, build_dir: Path) -> None:
        self.url = url
        self.build_dir = build_dir
        self.vpc_id, self.subnet_ids = make_subnets(url, [f"{REGION}a", f"{REGION}b"])

    def run(self, *extra: str) -> subprocess.CompletedProcess[str]:
        options = {
            "endpoint_url": self.url,
            "build_dir": str(self.build_dir),
            "enable_function_url": "false",
            "enable_http_api": "false",
            "enable_rest_api": "true",
            "enable_alb": "true",
            "alb_vpc_id": self.vpc_id,
            "alb_subnet_ids": ",".join(self.subnet_ids),
            "run_migrations": "false",
        }
        arguments = [f"-e{name}={value}" for name, value in options.items()]
        return run_playbook(*arguments, *extra, env=ENVIRONMENT)


def recap(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    match = re.search(r"localhost\s+: (.*)", result.stdout)
    assert match is not None, result.stdout + result.stderr
    return {
        key: int(value)
        for key, value in (item.split("=") for item in match.group(1).split())
    }


def alias_version(url: str) -> str:
    alias = aws("lambda", url).get_alias(FunctionName="apig-wsgi-example", Name="live")
    version: str = alias["FunctionVersion"]
    return version


def published_versions(url: str) -> list[str]:
    versions = aws("lambda", url).list_versions_by_function(
        FunctionName="apig-wsgi-example"
    )["Versions"]
    return [version["Version"] for version in versions]


def outputs(url: str, stack: str) -> dict[str, str]:
    (description,) = aws("cloudformation", url).describe_stacks(StackName=stack)[
        "Stacks"
    ]
    return {item["OutputKey"]: item["OutputValue"] for item in description["Outputs"]}


def test_playbook_deploys_then_changes_nothing(moto_url: str, tmp_path: Path) -> None:
    deployer = Deployer(moto_url, tmp_path)

    first = deployer.run()
    second = deployer.run()

    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    assert recap(second)["changed"] == 0, second.stdout
    for result in (first, second):
        assert DATABASE_PASSWORD not in result.stdout + result.stderr

    cloudformation = aws("cloudformation", moto_url)
    stacks = {
        stack["StackName"]: stack["StackStatus"]
        for stack in cloudformation.describe_stacks()["Stacks"]
    }
    assert stacks == {
        "apig-wsgi-example-base": "CREATE_COMPLETE",
        "apig-wsgi-example-site": "CREATE_COMPLETE",
    }
    base_outputs = outputs(moto_url, "apig-wsgi-example-base")

    # The secrets are SecureStrings; the key was made once and kept.
    ssm = aws("ssm", moto_url)
    parameters = ssm.get_parameters(
        Names=["/apig-wsgi-example/secret-key", "/apig-wsgi-example/database-url"],
        WithDecryption=True,
    )["Parameters"]
    values = {p["Name"]: (p["Type"], p["Version"], p["Value"]) for p in parameters}
    secret_key = values["/apig-wsgi-example/secret-key"][2]
    assert values == {
        "/apig-wsgi-example/secret-key": ("SecureString", 1, secret_key),
        "/apig-wsgi-example/database-url": ("SecureString", 1, DATABASE_URL),
    }
    assert re.fullmatch(r"[A-Za-z0-9]{64}", secret_key)
    assert secret_key not in first.stdout + second.stdout

    # One upload, one published version, and the alias on it.
    bucket = base_outputs["CodeBucketName"]
    versions = aws("s3", moto_url).list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["Key"], v["IsLatest"]) for v in versions] == [
        ("apig-wsgi-example/lambda.zip", True)
    ]
    assert published_versions(moto_url) == ["$LATEST", "1"]
    assert alias_version(moto_url) == "1"

    zip_bytes = (tmp_path / "lambda.zip").read_bytes()
    lambda_client = aws("lambda", moto_url)
    configuration = lambda_client.get_function(
        FunctionName="apig-wsgi-example", Qualifier="live"
    )["Configuration"]
    assert (
        configuration["CodeSha256"]
        == base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()
    )
    assert configuration["Handler"] == (
        "apig_wsgi.contrib.django.handler.streaming_handler"
    )
    assert configuration["Runtime"] == "python3.13"
    assert configuration["Role"] == base_outputs["FunctionRoleArn"]
    (load_balancer,) = aws("elbv2", moto_url).describe_load_balancers()["LoadBalancers"]
    (rest_api,) = aws("apigateway", moto_url).get_rest_apis()["items"]
    sqs = aws("sqs", moto_url)
    queue_url = sqs.get_queue_url(QueueName="apig-wsgi-example-tasks")["QueueUrl"]
    # No exec wrapper: without a Function URL nothing streams.
    assert configuration["Environment"]["Variables"] == {
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DJANGO_SECRET_KEY_PARAMETER": "/apig-wsgi-example/secret-key",
        "DJANGO_DATABASE_URL_PARAMETER": "/apig-wsgi-example/database-url",
        "DJANGO_ALLOWED_HOSTS": (
            f",,{rest_api['id']}.execute-api.{REGION}.amazonaws.com,"
            f"{load_balancer['DNSName']},"
        ),
        "DJANGO_CSRF_TRUSTED_ORIGINS": "",
        "DJANGO_SECURE_COOKIES": "false",
        # The queue's Ref: its URL as AWS writes it.
        "TASKS_QUEUE_URL": (
            f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/apig-wsgi-example-tasks"
        ),
    }

    # The task queue runs its messages through the live version, reporting
    # failures one by one, and sends what failed three times to its
    # dead-letter queue.
    queue = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])[
        "Attributes"
    ]
    dead_letter_url = sqs.get_queue_url(QueueName="apig-wsgi-example-tasks-dead")[
        "QueueUrl"
    ]
    dead_letter_arn = sqs.get_queue_attributes(
        QueueUrl=dead_letter_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    assert json.loads(queue["RedrivePolicy"]) == {
        "deadLetterTargetArn": dead_letter_arn,
        "maxReceiveCount": 3,
    }
    assert queue["VisibilityTimeout"] == "150"
    (mapping,) = lambda_client.list_event_source_mappings()["EventSourceMappings"]
    assert (
        mapping["EventSourceArn"],
        mapping["FunctionArn"],
        mapping["FunctionResponseTypes"],
        mapping["BatchSize"],
    ) == (
        queue["QueueArn"],
        # moto resolves the alias to its version; AWS keeps the alias's ARN
        # (test_templates.py checks that the mapping names the alias).
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:apig-wsgi-example:1",
        ["ReportBatchItemFailures"],
        10,
    )
    assert outputs(moto_url, "apig-wsgi-example-site")["TaskDeadLetterQueueUrl"] == (
        f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/apig-wsgi-example-tasks-dead"
    )

    # Every front moto has invokes the alias.
    alias_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:apig-wsgi-example:live"
    apigateway = aws("apigateway", moto_url)
    resources = apigateway.get_resources(restApiId=rest_api["id"])["items"]
    assert sorted(item["path"] for item in resources) == ["/", "/{proxy+}"]
    for resource in resources:
        integration = apigateway.get_integration(
            restApiId=rest_api["id"], resourceId=resource["id"], httpMethod="ANY"
        )
        assert integration["uri"] == (
            f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
            f"{alias_arn}/invocations"
        )
    (target_group,) = aws("elbv2", moto_url).describe_target_groups()["TargetGroups"]
    assert target_group["TargetType"] == "lambda"
    assert target_group["HealthCheckPath"] == "/health/"

    endpoints = [
        line.strip().removeprefix('"msg": "').removesuffix('"')
        for line in second.stdout.splitlines()
        if "Endpoint: " in line
    ]
    assert endpoints == [
        (
            f"RestApiEndpoint: https://{rest_api['id']}.execute-api.{REGION}"
            ".amazonaws.com/live/"
        ),
        f"AlbEndpoint: http://{load_balancer['DNSName']}/",
    ]


def test_a_change_publishes_a_version_and_rollback_moves_the_alias(
    moto_url: str, tmp_path: Path
) -> None:
    deployer = Deployer(moto_url, tmp_path)
    assert deployer.run().returncode == 0

    changed = deployer.run("-eallowed_hosts=www.example.com")
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert published_versions(moto_url) == ["$LATEST", "1", "2"]
    assert alias_version(moto_url) == "2"

    rollback = deployer.run("-eallowed_hosts=www.example.com", "-elive_version=1")
    assert rollback.returncode == 0, rollback.stdout + rollback.stderr
    assert published_versions(moto_url) == ["$LATEST", "1", "2"]
    assert alias_version(moto_url) == "1"
    assert '"msg": "Live version: 1 (this release published 2;' in rollback.stdout

    forward = deployer.run("-eallowed_hosts=www.example.com")
    assert forward.returncode == 0, forward.stdout + forward.stderr
    assert alias_version(moto_url) == "2"


def test_a_changed_template_redeploys_the_rest_api(
    moto_url: str, tmp_path: Path
) -> None:
    deployer = Deployer(moto_url, tmp_path / "build")
    assert deployer.run().returncode == 0
    changed_template = tmp_path / "site.yml"
    changed_template.write_text(
        (DEPLOYMENT_DIR / "site.yml")
        .read_text()
        .replace('BinaryMediaTypes: ["*/*"]', 'BinaryMediaTypes: ["*/*", "image/png"]')
    )

    result = deployer.run(f"-esite_template_path={changed_template}")

    assert result.returncode == 0, result.stdout + result.stderr
    apigateway = aws("apigateway", moto_url)
    (rest_api,) = apigateway.get_rest_apis()["items"]
    deployments = apigateway.get_deployments(restApiId=rest_api["id"])["items"]
    assert len(deployments) == 2


def test_a_stack_left_in_rollback_complete_is_replaced(
    moto_url: str, tmp_path: Path
) -> None:
    deployer = Deployer(moto_url, tmp_path)
    # What AWS leaves after a failed first create: the stack, its failure
    # events, and (after the rollback) nothing else. moto never does this.
    aws("cloudformation", moto_url).create_stack(
        StackName="apig-wsgi-example-site",
        TemplateBody=(
            '{"Resources": {"Leftover": {"Type": "AWS::SSM::Parameter",'
            ' "Properties": {"Name": "/leftover", "Type": "String",'
            ' "Value": "x"}}}}'
        ),
    )
    site = cloudformation_backends[ACCOUNT][REGION].get_stack("apig-wsgi-example-site")
    site.status = "ROLLBACK_COMPLETE"
    site._add_stack_event(
        "CREATE_FAILED", "The following resource(s) failed to create: [Function]."
    )

    result = deployer.run()

    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "apig-wsgi-example-site: The following resource(s) failed to create: "
        "[Function]." in result.stdout
    )
    assert (
        "TASK [Delete the stack left in ROLLBACK_COMPLETE, which can only be"
        " deleted, apig-wsgi-example-site]" in result.stdout
    )
    stacks = aws("cloudformation", moto_url).describe_stacks(
        StackName="apig-wsgi-example-site"
    )["Stacks"]
    assert [stack["StackStatus"] for stack in stacks] == ["CREATE_COMPLETE"]


@pytest.mark.parametrize(
    "subnets",
    ["one", "two-in-one-zone", "other-vpc", "missing-vpc"],
)
def test_bad_load_balancer_subnets_stop_before_deploying(
    moto_url: str, tmp_path: Path, subnets: str
) -> None:
    deployer = Deployer(moto_url, tmp_path)
    vpc_id = deployer.vpc_id
    subnet_ids = deployer.subnet_ids
    if subnets == "one":
        subnet_ids = subnet_ids[:1]
    elif subnets == "two-in-one-zone":
        _, other_ids = make_subnets(moto_url, [f"{REGION}a", f"{REGION}a"])
        subnet_ids = other_ids
        vpc_id = aws("ec2", moto_url).describe_subnets(SubnetIds=other_ids)["Subnets"][
            0
        ]["VpcId"]
    elif subnets == "other-vpc":
        subnet_ids = [subnet_ids[0], make_subnets(moto_url, [f"{REGION}b"])[1][0]]
    else:
        vpc_id = ""

    result = deployer.run(
        f"-ealb_vpc_id={vpc_id}", f"-ealb_subnet_ids={','.join(subnet_ids)}"
    )

    assert result.returncode == 2
    assert "The load balancer needs alb_vpc_id and, in alb_subnet_ids, two or more" in (
        result.stdout
    )
    assert aws("cloudformation", moto_url).describe_stacks()["Stacks"] == []


def test_deploy_without_database_url_stops_with_how_to(
    moto_url: str, tmp_path: Path
) -> None:
    result = run_playbook(
        f"-eendpoint_url={moto_url}",
        f"-ebuild_dir={tmp_path}",
        env={**ENVIRONMENT, "DATABASE_URL": ""},
    )

    assert result.returncode == 2
    assert "Set DATABASE_URL to the PostgreSQL database of the site" in result.stdout
    assert aws("cloudformation", moto_url).describe_stacks()["Stacks"] == []


def test_snapstart_with_streaming_stops_with_how_to(
    moto_url: str, tmp_path: Path
) -> None:
    deployer = Deployer(moto_url, tmp_path)

    result = deployer.run("-eenable_snapstart=true", "-eenable_streaming=true")

    assert result.returncode == 2
    assert "Add -e enable_streaming=false to use SnapStart." in result.stdout
    assert aws("cloudformation", moto_url).describe_stacks()["Stacks"] == []
