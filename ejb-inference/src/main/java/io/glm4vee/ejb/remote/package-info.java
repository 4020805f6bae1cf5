/**
 * The types of the remote view. The client API's types are records, and Open Liberty's ORB
 * (Apache Yoko) cannot marshal records over RMI-IIOP ("can't get field offset on a record
 * class", even with writeReplace); these are plain Serializable classes with the same content,
 * each converting from and to its client API record. None carries a caller: the server takes
 * the caller from the authenticated principal.
 */
package io.glm4vee.ejb.remote;
