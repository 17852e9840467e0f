// The one import for what uses a store whatever its database: the replica's protocols and rules
// (`EnlaceReplica`) and both dialects (`EnlaceSQLite`, `EnlacePostgres`). The daemons'
// setups pick a dialect (`NodeSetup`, `CentralSetup`); everything else speaks the protocols.
@_exported import EnlacePostgres
@_exported import EnlaceReplica
@_exported import EnlaceSQLite
