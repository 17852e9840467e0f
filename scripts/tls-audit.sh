#!/usr/bin/env bash
# Audits the central server's TLS with testssl.sh (Debian's `testssl.sh`): a real `enlace central
# run` with a self-signed ECDSA certificate on loopback; fails if TLS 1.0/1.1 or SSL is offered, if
# TLS 1.2 offers anything but ECDHE with an AEAD cipher (Mozilla's "intermediate" profile: no CBC,
# so no LUCKY13), if TLS 1.2 or 1.3 is missing, or if testssl finds anything MEDIUM or worse.
# Certificate trust is not judged: the certificate is the test's own.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${1:-$(swift build --show-bin-path)/enlace}"
[ -x "$binary" ] || { echo "tls-audit: no enlace binary at $binary (build first)" >&2; exit 1; }
scripts/install-deps.sh testssl.sh openssl

work=$(mktemp -d /tmp/enlace-tls-XXXXXX)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$binary" central init --data "$work/central" >/dev/null
"$binary" central run --data "$work/central" --listen "127.0.0.1:$port" --tls-certificate "$work/cert.pem" --tls-key "$work/key.pem" \
    >"$work/central.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
    curl -sk "https://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.05
done

testssl=$(command -v testssl || command -v testssl.sh)
status=0
timeout 300 "$testssl" --quiet --color 0 --warnings batch -n none -p -s -E -U --jsonfile "$work/testssl.json" \
    "https://127.0.0.1:$port" >"$work/testssl.log" 2>&1 || status=$?
if [ "$status" -ge 242 ] || [ ! -s "$work/testssl.json" ]; then
    echo "tls-audit: testssl did not run (exit $status)" >&2
    cat "$work/testssl.log" >&2
    exit 1
fi
python3 - "$work/testssl.json" <<'PY'
import json, re, sys
findings = json.load(open(sys.argv[1]))
by_id = {f["id"]: f for f in findings}
bad = []
for protocol in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
    finding = by_id.get(protocol)
    if finding is None:
        bad.append(f"{protocol}: not tested")
    elif finding["finding"].startswith("offered"):
        bad.append(f"{protocol} offered")
for protocol in ("TLS1_2", "TLS1_3"):
    if not by_id.get(protocol, {}).get("finding", "").startswith("offered"):
        bad.append(f"{protocol} not offered")
aead = re.compile(r"(GCM|CHACHA20|POLY1305)", re.I)
tls12 = [f for f in findings if f["id"].startswith("cipher-tls1_2_")]
if not tls12:
    bad.append("no TLS 1.2 cipher found")
for f in findings:
    if f["id"].startswith(("cipher-ssl", "cipher-tls1_x", "cipher-tls1_1_")):
        bad.append(f"cipher before TLS 1.2: {f['finding']}")
    if f["id"].startswith("cipher-tls1_2_") and (not aead.search(f["finding"]) or "ECDHE" not in f["finding"]):
        bad.append("TLS 1.2 suite that is not ECDHE with AEAD: " + " ".join(f["finding"].split()))
if by_id.get("cipherlist_AVERAGE", {}).get("finding") == "offered":
    bad.append("CBC suites offered (cipherlist_AVERAGE)")
if by_id.get("LUCKY13", {}).get("severity", "OK") != "OK":
    bad.append(f"LUCKY13: {by_id['LUCKY13']['finding']}")
ignored = re.compile(r"^(cert_|cert$|certs_|chain_of_trust|OCSP_|DNS_CAArecord|certificate_transparency|intermediate_cert|engine_problem)")
for f in findings:
    if f["severity"] in ("MEDIUM", "HIGH", "CRITICAL", "FATAL") and not ignored.match(f["id"]):
        bad.append(f"{f['id']} [{f['severity']}]: {f['finding']}")
if bad:
    print("tls-audit: the central server's TLS does not hold:")
    for item in bad:
        print("  -", item)
    sys.exit(1)
print("tls-audit: TLS 1.2 and 1.3 only; TLS 1.2 suites:", ", ".join(sorted(f["finding"].split()[3] for f in tls12)))
PY
