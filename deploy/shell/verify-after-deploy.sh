#!/bin/sh
# Deploy with Docker Compose, verify the user paths, roll back if they are broken.
#
#   TAG=2.0.4 PREVIOUS_TAG=2.0.3 ./verify-after-deploy.sh
#
# pathproof exits 0 when every journey passed (flaky included), 1 when a journey failed
# (the target is broken: roll back), 2 when the journeys are invalid, 3 when it could not
# verify (no browser, runner fault: do NOT roll back a healthy system for that), 4 when it
# was interrupted.
set -u

: "${TAG:?set TAG to the version being deployed}"
export BASE_URL="${BASE_URL:-http://localhost:8080}"

# The one-liner: deploy, verify, roll back when a journey failed.
#   docker compose up -d && pathproof run --after deploy --expect-version "$TAG" journeys/ || ./rollback.sh
# Below, the same with the exit codes told apart.

docker compose up -d || exit 1

pathproof run --after deploy --deploy-id "compose:$TAG" --expect-version "$TAG" journeys/
code=$?
case "$code" in
  0) echo "verified: $TAG is serving and every user path works" ;;
  1)
    echo "verified broken: rolling back" >&2
    ./rollback.sh
    # Every rollback leaves an investigation record (reports/<run-id>/investigation.md).
    if [ -n "${PREVIOUS_TAG:-}" ]; then
      pathproof run --after rollback --deploy-id "compose:$PREVIOUS_TAG" --expect-version "$PREVIOUS_TAG" journeys/
    else
      pathproof run --after rollback --deploy-id "compose:rollback-from-$TAG" journeys/
    fi
    ;;
  *) echo "could not verify (exit $code): not rolling back; see reports/" >&2 ;;
esac
exit "$code"
