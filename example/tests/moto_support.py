"""A moto server for the deployment tests, taught what its CloudFormation lacks.

moto's CloudFormation has no ``AWS::Lambda::Alias`` (though its Lambda API has
aliases), and its ``AWS::Lambda::Version`` has no ``Version`` attribute and
ignores ``CodeSha256``. The classes below map both onto moto's Lambda API as
AWS documents them, so the site stack (whose fronts all invoke the alias) can
deploy, and a wrong CodeSha256 fails as it would on AWS. They only extend the
emulator; nothing of this project is replaced.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.awslambda.utils import get_backend
from moto.core.common_models import CloudFormationModel
from moto.server import ThreadedMotoServer


class CloudFormationLambdaAlias(CloudFormationModel):
    # moto's model metaclass files every model under the service its module
    # path names.
    __module__ = "moto.awslambda.models"

    def __init__(self, arn: str, function_name: str, name: str) -> None:
        self.arn = arn
        self.function_name = function_name
        self.name = name

    @property
    def physical_resource_id(self) -> str:
        # Ref of an alias is its ARN.
        return self.arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Alias"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CloudFormationLambdaAlias:
        properties = cloudformation_json["Properties"]
        alias = get_backend(account_id, region_name).create_alias(
            name=properties["Name"],
            function_name=properties["FunctionName"],
            function_version=str(properties["FunctionVersion"]),
            description=properties.get("Description", ""),
            # moto passes None itself when a request has no routing config.
            routing_config=None,  # type: ignore[arg-type]
        )
        return cls(alias.arn, properties["FunctionName"], properties["Name"])

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: CloudFormationLambdaAlias,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> CloudFormationLambdaAlias:
        properties = cloudformation_json["Properties"]
        alias = get_backend(account_id, region_name).update_alias(
            name=properties["Name"],
            function_name=properties["FunctionName"],
            function_version=str(properties["FunctionVersion"]),
            description=properties.get("Description", ""),
            # moto passes None itself when a request has no routing config.
            routing_config=None,  # type: ignore[arg-type]
        )
        return cls(alias.arn, properties["FunctionName"], properties["Name"])

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        properties = cloudformation_json["Properties"]
        get_backend(account_id, region_name).delete_alias(
            properties["Name"], properties["FunctionName"]
        )


class CloudFormationLambdaVersion(CloudFormationModel):
    __module__ = "moto.awslambda.models"

    def __init__(self, arn: str, version: str) -> None:
        self.arn = arn
        self.version = version

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Version"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        assert attribute_name == "Version", attribute_name
        return self.version

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Version"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CloudFormationLambdaVersion:
        properties = cloudformation_json["Properties"]
        backend = get_backend(account_id, region_name)
        function = backend.get_function(properties["FunctionName"])
        expected = properties.get("CodeSha256")
        if expected is not None and expected != function.code_sha_256:
            raise ValueError(
                f"CodeSha256 {expected} does not match the function's code "
                f"{function.code_sha_256}"
            )
        published = backend.publish_version(
            properties["FunctionName"], description=properties.get("Description", "")
        )
        assert published is not None
        return cls(published.function_arn, str(published.version))

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: CloudFormationLambdaVersion,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> CloudFormationLambdaVersion:
        # Every property of a version requires a replacement: a new version.
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 that creates functions without Docker.

    Every server in this process shares moto's state, so each starts empty.
    """
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    reset = urllib.request.Request(url + "/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset) as response:
        assert response.status == 200
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
