namespace TryOn.Contracts.Storage;

/// <summary>The shape every blob key must have, whatever the store: safe as a file path and as a blob name.</summary>
public static class BlobKey
{
    public const int MaxLength = 512;

    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength)
        {
            return false;
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment.StartsWith('.'))
            {
                return false;
            }

            foreach (var c in segment)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static void ThrowIfInvalid(string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a valid blob key.", nameof(key));
        }
    }
}
