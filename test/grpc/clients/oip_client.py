"""Open Inference Protocol v2 calls from an existing client we did not write: tritonclient.grpc
(Triton's KServe-v2 gRPC client, PyPI), plus grpcio's own health-checking and reflection clients.

Usage: python oip_client.py HOST:PORT [FEATURE_NAMES_JSON]  -> prints one JSON object with what each
call returned. With the feature names, the per-feature tensor layout is exercised too.
"""
import json
import sys

import grpc
import numpy as np
import tritonclient.grpc as triton
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc


def main(url: str) -> None:
    out = {}
    client = triton.InferenceServerClient(url=url)
    out["live"] = client.is_server_live()
    out["ready"] = client.is_server_ready()
    out["model_ready"] = client.is_model_ready("rtml")
    out["unknown_model_ready"] = client.is_model_ready("no-such-model")
    server = client.get_server_metadata(as_json=True)
    out["server_name"] = server["name"]
    meta = client.get_model_metadata("rtml", as_json=True)
    out["versions"] = meta["versions"]
    out["inputs"] = meta["inputs"]
    out["outputs"] = meta["outputs"]
    n_features = int(meta["inputs"][0]["shape"][1])
    rows = np.random.default_rng(7).normal(size=(4, n_features)).astype(np.float32)

    # Layout 1: one FP32 tensor [N, F]; tritonclient sends it as raw_input_contents (little-endian bytes).
    inp = triton.InferInput("features", list(rows.shape), "FP32")
    inp.set_data_from_numpy(rows)
    res = client.infer("rtml", [inp], outputs=[triton.InferRequestedOutput("score"), triton.InferRequestedOutput("label")], request_id="r1")
    out["matrix_scores"] = [float(x) for x in res.as_numpy("score")]
    out["matrix_labels"] = [x.decode() if isinstance(x, bytes) else str(x) for x in res.as_numpy("label")]
    out["model_version"] = res.get_response().model_version
    out["id"] = res.get_response().id

    # Layout 2: one tensor per feature, FP64 [N, 1], in the metadata's feature order.
    inputs = []
    feature_names = json.loads(sys.argv[2]) if len(sys.argv) > 2 else None
    if feature_names:
        for c, name in enumerate(feature_names):
            t = triton.InferInput(name, [rows.shape[0], 1], "FP64")
            t.set_data_from_numpy(rows[:, c : c + 1].astype(np.float64))
            inputs.append(t)
        res2 = client.infer("rtml", inputs)
        out["per_feature_scores"] = [float(x) for x in res2.as_numpy("score")]

    # A malformed request: the wrong number of columns.
    bad = triton.InferInput("features", [1, n_features + 1], "FP32")
    bad.set_data_from_numpy(np.zeros((1, n_features + 1), dtype=np.float32))
    try:
        client.infer("rtml", [bad])
        out["bad_request"] = "accepted"
    except triton.InferenceServerException as e:  # noqa: PERF203
        out["bad_request"] = e.status()

    # grpcio's health and reflection clients.
    with grpc.insecure_channel(url) as ch:
        health = health_pb2_grpc.HealthStub(ch)
        out["health"] = health_pb2.HealthCheckResponse.ServingStatus.Name(health.Check(health_pb2.HealthCheckRequest(service="")).status)
        refl = reflection_pb2_grpc.ServerReflectionStub(ch)
        responses = refl.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]))
        out["reflection_services"] = sorted(s.name for r in responses for s in r.list_services_response.service)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
