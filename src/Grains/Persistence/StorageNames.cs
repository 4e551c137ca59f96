namespace TryOn.Grains.Persistence;

/// <summary>Names of the Orleans storage providers, shared by every <c>[PersistentState]</c>.</summary>
internal static class StorageNames
{
    public const string Grains = "grains";
}
