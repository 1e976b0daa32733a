#!/usr/bin/env python3
"""A client that is not .NET: Python's grpcio (Debian's python3-grpcio), knowing nothing of the
suite's protos. It learns every contract through gRPC server reflection only, then checks health and
makes one real call per service.

    python3 check_suite.py measures=127.0.0.1:5101 demographics=127.0.0.1:5102 reporting=127.0.0.1:5103
"""
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format

try:  # protobuf >= 4
    from google.protobuf.message_factory import GetMessageClass
except ImportError:  # protobuf 3.x (Debian bookworm)
    from google.protobuf import message_factory

    _factory = message_factory.MessageFactory()

    def GetMessageClass(descriptor):
        return _factory.GetPrototype(descriptor)


# One real call per service: (service, method, request as JSON, check of the JSON response).
CALLS = {
    "integration.measures.v1.MeasuresService": (
        "ListFieldsOfAction", {}, lambda r: len(r.get("fieldsOfAction", [])) == 8),
    "integration.demographics.v1.DemographicsService": (
        "ListAreas", {"pageSize": 100}, lambda r: len(r.get("areas", [])) > 0),
    "integration.reporting.v1.ReportingCyclesService": (
        "ListReportingCycles", {}, lambda r: any(c.get("name") == "reportingCycles/2018" for c in r.get("reportingCycles", []))),
}


# The component that serves health only: SuiteComponents' "SnapshotWorker", lower-cased by ForeignClientTests.
SNAPSHOT_WORKER = "snapshotworker"


def reflection_messages():
    """The v1alpha reflection messages, declared here by hand (wire-compatible; oneofs as plain fields)."""
    f = descriptor_pb2.FileDescriptorProto(name="reflection_client.proto", package="grpc.reflection.v1alpha", syntax="proto3")
    STRING, INT32, BYTES, MESSAGE = 9, 5, 12, 11
    OPTIONAL, REPEATED = 1, 3

    def message(name, *fields):
        m = f.message_type.add(name=name)
        for number, field_name, kind, label, type_name in fields:
            field = m.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                field.type_name = ".grpc.reflection.v1alpha." + type_name

    message("ServerReflectionRequest",
            (1, "host", STRING, OPTIONAL, None),
            (3, "file_by_filename", STRING, OPTIONAL, None),
            (4, "file_containing_symbol", STRING, OPTIONAL, None),
            (7, "list_services", STRING, OPTIONAL, None))
    message("FileDescriptorResponse", (1, "file_descriptor_proto", BYTES, REPEATED, None))
    message("ServiceResponse", (1, "name", STRING, OPTIONAL, None))
    message("ListServiceResponse", (1, "service", MESSAGE, REPEATED, "ServiceResponse"))
    message("ErrorResponse", (1, "error_code", INT32, OPTIONAL, None), (2, "error_message", STRING, OPTIONAL, None))
    message("ServerReflectionResponse",
            (1, "valid_host", STRING, OPTIONAL, None),
            (4, "file_descriptor_response", MESSAGE, OPTIONAL, "FileDescriptorResponse"),
            (6, "list_services_response", MESSAGE, OPTIONAL, "ListServiceResponse"),
            (7, "error_response", MESSAGE, OPTIONAL, "ErrorResponse"))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    get = lambda n: GetMessageClass(pool.FindMessageTypeByName("grpc.reflection.v1alpha." + n))
    return get("ServerReflectionRequest"), get("ServerReflectionResponse")


Request, Response = reflection_messages()


def reflect(channel, **request):
    call = channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                 request_serializer=lambda m: m.SerializeToString(),
                                 response_deserializer=Response.FromString)
    response = next(iter(call(iter([Request(**request)]), timeout=10)))
    if response.HasField("error_response"):
        raise RuntimeError(f"reflection error {response.error_response.error_code}: {response.error_response.error_message}")
    return response


def load_service(channel, pool, loaded, service):
    """Adds the file declaring `service` and, first, every file it imports, as the server describes them."""
    files = {}
    pending = [("symbol", service)]
    while pending:
        kind, key = pending.pop()
        response = reflect(channel, **({"file_containing_symbol": key} if kind == "symbol" else {"file_by_filename": key}))
        for raw in response.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
            if proto.name not in files and proto.name not in loaded:
                files[proto.name] = proto
                pending.extend(("file", d) for d in proto.dependency if d not in files and d not in loaded)

    def add(name):
        if name in loaded:
            return
        for dependency in files[name].dependency:
            add(dependency)
        pool.Add(files[name])
        loaded.add(name)

    for name in list(files):
        add(name)
    return pool.FindServiceByName(service)


def unary(channel, method, request_json):
    request_class = GetMessageClass(method.input_type)
    response_class = GetMessageClass(method.output_type)
    call = channel.unary_unary(f"/{method.containing_service.full_name}/{method.name}",
                               request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=response_class.FromString)
    return json_format.MessageToDict(call(json_format.ParseDict(request_json, request_class()), timeout=10))


def check(name, address):
    failures = []
    with grpc.insecure_channel(address) as channel:
        # Any non-empty value: these hand-declared fields have no oneof, so an empty string would not be sent.
        services = [s.name for s in reflect(channel, list_services="*").list_services_response.service]
        print(f"{name} ({address}): reflection lists {', '.join(services)}")
        pool, loaded = descriptor_pool.DescriptorPool(), set()
        health = load_service(channel, pool, loaded, "grpc.health.v1.Health")
        status = unary(channel, health.FindMethodByName("Check"), {}).get("status")
        print(f"  health: {status}")
        if status != "SERVING":
            failures.append(f"{name}: health is {status}")
        known = [s for s in services if s in CALLS]
        if not known:
            # Only the snapshot worker serves health alone (ForeignClientTests passes it as "snapshotworker").
            if name == SNAPSHOT_WORKER:
                print("  (serves health only, as the snapshot worker does)")
            else:
                failures.append(f"{name}: none of the suite's services is listed")
        for service_name in known:
            method_name, request_json, ok = CALLS[service_name]
            service = load_service(channel, pool, loaded, service_name)
            response = unary(channel, service.FindMethodByName(method_name), request_json)
            passed = ok(response)
            print(f"  {service_name}/{method_name}: {'ok' if passed else 'UNEXPECTED ' + str(response)[:300]}")
            if not passed:
                failures.append(f"{service_name}/{method_name} answered unexpectedly")
    return failures


def main(argv):
    targets = [a.split("=", 1) for a in argv]
    if not targets or any(len(t) != 2 for t in targets):
        print(__doc__)
        return 2
    failures = []
    for name, address in targets:
        try:
            failures += check(name, address)
        except Exception as e:  # a failed check names the component, whatever went wrong
            failures.append(f"{name}: {type(e).__name__}: {e}")
    for failure in failures:
        print("FAIL " + failure)
    print("foreign client: " + ("all checks passed" if not failures else f"{len(failures)} failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
