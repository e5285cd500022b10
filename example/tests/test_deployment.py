"""The deployment: linters on its files, and a full run against moto."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from conftest import BIN_DIR
from conftest import DEPLOYMENT_DIR
from conftest import TEST_SECRET_KEY
from conftest import run_playbook
from moto.server import ThreadedMotoServer

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


@pytest.fixture
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # Without Docker moto cannot run functions anyway; say so before any exist.
    request = urllib.request.Request(
        url + "/moto-api/config",
        data=json.dumps({"lambda": {"use_docker": False}}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 201
    try:
        yield url
    finally:
        server.stop()


def aws(service: str, url: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


# moto's server runs in this process and warns about each resource type it
# skips; the docstring below lists them.
@pytest.mark.filterwarnings(
    "ignore:Tried to parse .* not supported by moto's CloudFormation:UserWarning"
)
def test_playbook_deploys_rest_api_and_alb_to_moto(
    moto_url: str, tmp_path: Path
) -> None:
    """Run the whole, unmodified playbook against moto, with the fronts moto has.

    This proves that the playbook builds the zip, that both templates parse and
    deploy with these parameters, that the zip's S3 version reaches the
    function, and that the endpoints are printed.

    It does not prove that the deployment works on AWS. moto runs no Lambda
    code, evaluates no IAM policy or resource permission, and ignores the
    bucket's VersioningConfiguration (the playbook turns versioning on through
    the S3 API too), BinaryMediaTypes, the target group's Targets and
    attributes (so multi-value headers are not checked here) and NoEcho (it
    shows the secret in DescribeStacks; AWS shows "****"). It skips
    the bucket policy and AWS::ApiGateway::Stage, and has no AWS::Lambda::Url
    or AWS::ApiGatewayV2::* (so the Function URL and HTTP API stay off here).
    It checks no service quota, name clash in a real account, or VPC routing
    for the load balancer.
    """
    ec2 = aws("ec2", moto_url)
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_ids = [
        ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zone
        )["Subnet"]["SubnetId"]
        for index, zone in enumerate([f"{REGION}a", f"{REGION}b"], start=1)
    ]

    result = run_playbook(
        "-e",
        f"endpoint_url={moto_url}",
        "-e",
        f"build_dir={tmp_path}",
        "-e",
        "enable_function_url=false",
        "-e",
        "enable_http_api=false",
        "-e",
        "enable_rest_api=true",
        "-e",
        "enable_alb=true",
        "-e",
        f"alb_vpc_id={vpc_id}",
        "-e",
        f"alb_subnet_ids={','.join(subnet_ids)}",
        env={**CREDENTIALS, "AWS_REGION": REGION, "DJANGO_SECRET_KEY": TEST_SECRET_KEY},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert TEST_SECRET_KEY not in result.stdout + result.stderr

    cloudformation = aws("cloudformation", moto_url)
    stacks = {
        stack["StackName"]: stack
        for stack in cloudformation.describe_stacks()["Stacks"]
    }
    assert sorted(stacks) == ["apig-wsgi-example-base", "apig-wsgi-example-site"]
    assert {stack["StackStatus"] for stack in stacks.values()} == {"CREATE_COMPLETE"}
    base_outputs = {
        output["OutputKey"]: output["OutputValue"]
        for output in stacks["apig-wsgi-example-base"]["Outputs"]
    }
    bucket = base_outputs["CodeBucketName"]
    site_parameters = {
        parameter["ParameterKey"]: parameter["ParameterValue"]
        for parameter in stacks["apig-wsgi-example-site"]["Parameters"]
    }
    summary = cloudformation.get_template_summary(StackName="apig-wsgi-example-site")
    no_echo = [p["ParameterKey"] for p in summary["Parameters"] if p["NoEcho"]]
    assert no_echo == ["SecretKey"]

    # Exactly one version of the zip, and the site stack pins it.
    versions = aws("s3", moto_url).list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["Key"], v["IsLatest"]) for v in versions] == [
        ("apig-wsgi-example/lambda.zip", True)
    ]
    version_id = versions[0]["VersionId"]
    assert version_id not in ("", "null")
    assert site_parameters["CodeVersion"] == version_id
    assert f'"msg": "CodeVersion: {version_id}"' in result.stdout

    zip_bytes = (tmp_path / "lambda.zip").read_bytes()
    function = aws("lambda", moto_url).get_function(FunctionName="apig-wsgi-example")
    configuration = function["Configuration"]
    assert function["Code"]["RepositoryType"] == "S3"
    assert function["Code"]["Location"].endswith("/apig-wsgi-example/lambda.zip")
    assert (
        configuration["CodeSha256"]
        == base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()
    )
    assert configuration["Handler"] == "apig_wsgi.contrib.django.handler.lambda_handler"
    assert configuration["Runtime"] == "python3.13"
    assert configuration["Role"] == base_outputs["FunctionRoleArn"]
    assert configuration["Environment"]["Variables"] == {
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "*",
        "DJANGO_SECURE_COOKIES": "false",
    }

    apigateway = aws("apigateway", moto_url)
    (rest_api,) = apigateway.get_rest_apis()["items"]
    resources = apigateway.get_resources(restApiId=rest_api["id"])
    assert sorted(item["path"] for item in resources["items"]) == ["/", "/{proxy+}"]
    elbv2 = aws("elbv2", moto_url)
    (load_balancer,) = elbv2.describe_load_balancers()["LoadBalancers"]
    (target_group,) = elbv2.describe_target_groups()["TargetGroups"]
    assert target_group["TargetType"] == "lambda"

    endpoints = [
        line.strip().removeprefix('"msg": "').removesuffix('"')
        for line in result.stdout.splitlines()
        if "Endpoint: " in line
    ]
    assert endpoints == [
        (
            f"RestApiEndpoint: https://{rest_api['id']}.execute-api.{REGION}"
            ".amazonaws.com/live/"
        ),
        f"AlbEndpoint: http://{load_balancer['DNSName']}/",
    ]
