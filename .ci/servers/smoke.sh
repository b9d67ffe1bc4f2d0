#!/usr/bin/env bash
# Prove running test servers really work (used after `all.sh start`).
#
#   smoke.sh [moto] [kube] [postgres]     (default: all three)
#
# moto:     create a VPC through the EC2 API (boto3 from the cached venv),
#           describe it, reset, and check it is gone.
# kube:     /readyz; create+get a ConfigMap and a Deployment in a fresh
#           namespace; wait for the controller-manager's ReplicaSet; delete the
#           namespace and wait for the namespace controller to finish it.
# postgres: psql -c 'select 1'.
set -euo pipefail
SERVER_NAME=smoke
HERE="$(dirname "$(readlink -f "$0")")"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

servers=("$@")
[ "${#servers[@]}" -gt 0 ] || servers=(moto kube postgres)

smoke_moto() {
    eval "$("$HERE/moto.sh" env)"
    local py="${MOTO_VENV:-$TERRANE_CACHE/moto/venv-${MOTO_VERSION:-5.2.5}}/bin/python"
    "$py" - <<'PY'
import os, boto3
ec2 = boto3.client(
    "ec2",
    endpoint_url=os.environ["TERRANE_MOTO_ENDPOINT"],
    region_name=os.environ["TERRANE_MOTO_REGION"],
    aws_access_key_id=os.environ["TERRANE_MOTO_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["TERRANE_MOTO_SECRET_ACCESS_KEY"],
)
vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
found = [v["VpcId"] for v in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]]
assert found == [vpc], found
print(f"moto: created and described {vpc}")
PY
    "$HERE/moto.sh" reset
    "$py" - <<'PY'
import os, boto3
ec2 = boto3.client("ec2", endpoint_url=os.environ["TERRANE_MOTO_ENDPOINT"], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
left = [v for v in ec2.describe_vpcs()["Vpcs"] if v["CidrBlock"] == "10.99.0.0/16"]
assert not left, left
print("moto: reset removed it")
PY
}

# jq_get EXPR: evaluate a Python expression over the JSON document `d` on stdin.
jq_get() {
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

smoke_kube() {
    eval "$("$HERE/kube.sh" env)"
    local api="$TERRANE_KUBE_ENDPOINT" ns="terrane-smoke-$$" body
    k() {
        local method="$1" path="$2"; shift 2
        curl -fsS --max-time 10 --cacert "$TERRANE_KUBE_CA_FILE" \
            -H "Authorization: Bearer $(cat "$TERRANE_KUBE_TOKEN_FILE")" \
            -H 'Content-Type: application/json' -X "$method" "$api$path" "$@"
    }
    [ "$(k GET /readyz)" = ok ] || die "/readyz is not ok"
    echo "kube: /readyz ok, version $(k GET /version | python3 -c 'import json,sys; print(json.load(sys.stdin)["gitVersion"])')"
    k POST /api/v1/namespaces -d "{\"metadata\":{\"name\":\"$ns\"}}" >/dev/null
    k POST "/api/v1/namespaces/$ns/configmaps" \
        -d '{"metadata":{"name":"smoke"},"data":{"greeting":"hello"}}' >/dev/null
    body="$(k GET "/api/v1/namespaces/$ns/configmaps/smoke")"
    [ "$(jq_get 'd["data"]["greeting"]' <<<"$body")" = hello ] || die "ConfigMap read back wrong: $body"
    echo "kube: ConfigMap created and read back"
    k POST "/apis/apps/v1/namespaces/$ns/deployments" -d '{
      "metadata": {"name": "web"},
      "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
          "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}' >/dev/null
    body="$(k GET "/apis/apps/v1/namespaces/$ns/deployments/web")"
    [ "$(jq_get 'd["spec"]["replicas"]' <<<"$body")" = 2 ] || die "Deployment read back wrong: $body"
    echo "kube: Deployment created and read back"
    local deadline=$((SECONDS + 60)) rs=""
    while [ "$SECONDS" -lt "$deadline" ]; do
        rs="$(k GET "/apis/apps/v1/namespaces/$ns/replicasets?labelSelector=app%3Dweb" \
            | python3 -c 'import json,sys; print(" ".join(i["metadata"]["name"] for i in json.load(sys.stdin)["items"] if i["metadata"]["ownerReferences"][0]["name"]=="web"))')"
        [ -n "$rs" ] && break
        sleep 0.5
    done
    [ -n "$rs" ] || die "no ReplicaSet for Deployment web after 60s (is kube-controller-manager running?)"
    echo "kube: controller-manager created ReplicaSet $rs"
    k DELETE "/api/v1/namespaces/$ns" >/dev/null
    deadline=$((SECONDS + 90))
    while [ "$SECONDS" -lt "$deadline" ]; do
        curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$TERRANE_KUBE_CA_FILE" \
            -H "Authorization: Bearer $(cat "$TERRANE_KUBE_TOKEN_FILE")" \
            "$api/api/v1/namespaces/$ns" | grep -qx 404 && {
            echo "kube: namespace $ns deleted by the namespace controller"
            return 0
        }
        sleep 0.5
    done
    die "namespace $ns still present 90s after DELETE"
}

smoke_postgres() {
    eval "$("$HERE/postgres.sh" env)"
    local out
    out="$(psql "$TERRANE_PG_URL" -XAtc 'select 1')"
    [ "$out" = 1 ] || die "psql select 1 returned '$out'"
    echo "postgres: select 1 -> $out"
}

for s in "${servers[@]}"; do
    case "$s" in
        moto) smoke_moto ;;
        kube) smoke_kube ;;
        postgres) smoke_postgres ;;
        *) die "unknown server '$s'" ;;
    esac
done
