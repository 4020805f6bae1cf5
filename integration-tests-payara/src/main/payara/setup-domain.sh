#!/usr/bin/env bash
# Creates a Payara Server domain for glm4v and configures it (see docs/server.md, "Payara Server"):
# everything bound to 127.0.0.1, Hazelcast and the JMS broker off (the broker's port would listen on every
# interface), the JVM options the engine needs, MicroProfile Config values of the REST API, and the resource
# adapter's configuration (glm4v#glm4v-ra). The domain is left
# stopped. Used by the build (integration-tests-payara/pom.xml, domain glm4v-it-payara on free ports)
# and by ./run-payara (domain glm4v). Settings come from the environment:
#
#   PAYARA_HOME      the unpacked server (…/payara6)                        required
#   AS_JAVA          the JDK 25 the server runs on                          required
#   DOMAIN           domain name                                            required
#   DOMAIN_DIR       directory of the domain (default: PAYARA_HOME/glassfish/domains)
#   ADMIN_PASSWORD   password of the admin user "admin" (empty: no password; the build's test domain)
#   PORT_ADMIN PORT_HTTP PORT_HTTPS PORT_IIOP PORT_IIOPS PORT_IIOPM PORT_JMS PORT_JMX PORT_OSGI PORT_DEBUG
#   GLM4V_MODELPATH  checkpoint directory                                   required
#   GLM4V_DEVICES (cpu:0,cpu:1) GLM4V_TENSORPARALLELSIZE (2) GLM4V_CONTEXTS (1) GLM4V_THREADSPERCARD (1)
#   GLM4V_ADMIN_PASSWORD (glm4v-admin): the REST API's admin user (HTTP Basic), a MicroProfile Config value
set -euo pipefail
: "${PAYARA_HOME:?}" "${AS_JAVA:?}" "${DOMAIN:?}" "${GLM4V_MODELPATH:?}"
export AS_JAVA
ASADMIN="$PAYARA_HOME/bin/asadmin"
DOMAIN_DIR="${DOMAIN_DIR:-$PAYARA_HOME/glassfish/domains}"
mkdir -p "$DOMAIN_DIR"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'AS_ADMIN_PASSWORD=%s\n' "${ADMIN_PASSWORD:-}" > "$work/password"
nopassword=()
[ -z "${ADMIN_PASSWORD:-}" ] && nopassword=(--nopassword)

if [ -d "$DOMAIN_DIR/$DOMAIN" ]; then
  "$ASADMIN" stop-domain --domaindir "$DOMAIN_DIR" "$DOMAIN" >/dev/null 2>&1 || true
  rm -rf "${DOMAIN_DIR:?}/$DOMAIN"
fi
"$ASADMIN" --user admin --passwordfile "$work/password" create-domain "${nopassword[@]}" \
  --domaindir "$DOMAIN_DIR" --adminport "${PORT_ADMIN:-4848}" --instanceport "${PORT_HTTP:-8080}" \
  --domainproperties "http.ssl.port=${PORT_HTTPS:-8181}:orb.listener.port=${PORT_IIOP:-3700}:orb.ssl.port=${PORT_IIOPS:-3820}:orb.mutualauth.port=${PORT_IIOPM:-3920}:jms.port=${PORT_JMS:-7676}:domain.jmxPort=${PORT_JMX:-8686}:osgi.shell.telnet.port=${PORT_OSGI:-6666}:java.debugger.port=${PORT_DEBUG:-9009}" \
  "$DOMAIN"

# -Xmx512m (Payara's default) is dropped: the heap is the JVM's default, a quarter of the RAM, as on Liberty (the
# weights are memory-mapped, off heap; activations and KV caches are on it).
# -Ddeployment.resource.validation=false: Payara 6.2025.10's deploy-time check of resource references does not
# see the application-scoped java:app/eis/glm4v when the application is enabled again (asadmin enable, the
# console's Enable, which is how pool and adapter changes are applied), and refuses; the references are still
# resolved when the beans are created. --enable-native-access=ALL-UNNAMED is among Payara's JDK 24+ defaults.
# asadmin's --property syntax: ':' separates properties, so a ':' inside a value is written '\:'
# (doubled here: multimode reads one level of backslashes itself)
esc() { printf '%s' "$1" | sed 's/:/\\\\:/g'; }
listeners=configs.config.server-config.network-config.network-listeners.network-listener
cat > "$work/commands" <<COMMANDS
set $listeners.http-listener-1.address=127.0.0.1
set $listeners.http-listener-2.address=127.0.0.1
set $listeners.http-listener-2.enabled=false
set $listeners.admin-listener.address=127.0.0.1
set configs.config.server-config.iiop-service.iiop-listener.orb-listener-1.address=127.0.0.1
set configs.config.server-config.iiop-service.iiop-listener.SSL.address=127.0.0.1
set configs.config.server-config.iiop-service.iiop-listener.SSL_MUTUALAUTH.address=127.0.0.1
set configs.config.server-config.admin-service.jmx-connector.system.address=127.0.0.1
set-hazelcast-configuration --enabled=false --dynamic=false
set configs.config.server-config.jms-service.type=DISABLED
delete-jvm-options -Xmx512m
create-jvm-options --add-modules=jdk.incubator.vector
create-jvm-options -Ddeployment.resource.validation=false
set-config-property --source=domain --propertyName=glm4v.modelPath --propertyValue="$GLM4V_MODELPATH"
set-config-property --source=domain --propertyName=glm4v.admin.password --propertyValue=${GLM4V_ADMIN_PASSWORD:-glm4v-admin}
create-resource-adapter-config --property modelPath=$(esc "$GLM4V_MODELPATH"):devices=$(esc "${GLM4V_DEVICES:-cpu:0,cpu:1}"):tensorParallelSize=${GLM4V_TENSORPARALLELSIZE:-2}:contexts=${GLM4V_CONTEXTS:-1}:threadsPerCard=${GLM4V_THREADSPERCARD:-1} glm4v#glm4v-ra
COMMANDS

"$ASADMIN" start-domain --domaindir "$DOMAIN_DIR" "$DOMAIN"
status=0
"$ASADMIN" --host 127.0.0.1 --port "${PORT_ADMIN:-4848}" --user admin --passwordfile "$work/password" \
  multimode --file "$work/commands" || status=$?
"$ASADMIN" stop-domain --domaindir "$DOMAIN_DIR" "$DOMAIN"
if [ "$status" -ne 0 ]; then
  echo "setup-domain.sh: configuring domain $DOMAIN failed (see the output above)" >&2
  exit "$status"
fi
echo "setup-domain.sh: domain $DOMAIN is ready in $DOMAIN_DIR (admin port ${PORT_ADMIN:-4848}, HTTP 127.0.0.1:${PORT_HTTP:-8080})"
