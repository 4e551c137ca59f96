// The standalone silo host for cluster deployments (DESIGN.md §1). It needs the PostgreSQL cluster storage,
// which is not built yet; until it is, the host stops at once with a message that says so, rather than
// starting a silo that nothing could reach. The embedded default (src/Api) hosts the same grains in-process.
Console.Error.WriteLine(
    "TryOn.Silo: cluster mode (PostgreSQL membership and storage) is not available yet. " +
    "Run the embedded default instead: dotnet run --project src/Api");
return 2;
