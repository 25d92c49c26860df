"""A client of a container-credentials server, as any boto3 or botocore application is one.

botocore's own credential chain (botocore.session.get_session().get_credentials()) finds the container provider through
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN, exactly as an application would; the test runs
it with no other credential source in its environment.

Usage: /usr/bin/python3 botocore_client.py [COUNT [DYNAMODB_ENDPOINT]]
Loads credentials COUNT times (default 1), each with a new session so that nothing is cached, and prints one line per
load: "ok METHOD ACCESS_KEY_ID TOKEN" (TOKEN is - when empty) or "error TYPE: MESSAGE" (on one line). Given a DynamoDB
endpoint, each load also signs a ListTables call to it with the credentials. Exits 0 when every load succeeded, 1 otherwise.
"""
import sys

import botocore.session


def main(argv):
    count = int(argv[1]) if len(argv) > 1 else 1
    endpoint = argv[2] if len(argv) > 2 else None
    failed = 0
    for _ in range(count):
        try:
            session = botocore.session.get_session()
            credentials = session.get_credentials()
            if credentials is None:
                raise LookupError("botocore found no credentials")
            frozen = credentials.get_frozen_credentials()
            if endpoint is not None:
                client = session.create_client("dynamodb", region_name="us-east-1", endpoint_url=endpoint)
                client.list_tables(Limit=1)
            print("ok", credentials.method, frozen.access_key, frozen.token or "-", flush=True)
        except Exception as error:  # the test reads the type and message of whatever the client raised
            failed += 1
            print("error %s: %s" % (type(error).__name__, " ".join(str(error).split())), flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
