namespace TryOn.Grains.Persistence;

/// <summary>Names of the Orleans storage providers, shared by every <c>[PersistentState]</c>.</summary>
public static class StorageNames
{
    public const string Grains = "grains";
}
