#!/usr/bin/env bash
# Container entrypoint: creates this node's keys on first start (keys/node, kept on the mounted
# volume; never overwritten), prints the public key to share, then runs infergrid.
set -euo pipefail
keys=${INFERGRID_KEYS:-/var/lib/infergrid/keys/node}
if [[ ! -f "$keys/signing.key" ]]; then
  infergrid keygen --out "$keys"
fi
echo "node signing key: $(cat "$keys/signing.pub")"
echo "node transport key (CurveZMQ, peers[].transport_key): $(cat "$keys/transport.pub")"
exec infergrid "$@"
