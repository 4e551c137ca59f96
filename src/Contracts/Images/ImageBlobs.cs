namespace TryOn.Contracts.Images;

/// <summary>
/// Where a stored shopper image's bytes live: <c>acct_…/images/img_….jpg</c> or <c>.png</c>, and the person's mask
/// beside it (<c>img_….person.png</c>). One definition, so the image grain can find the bytes of an image whose record
/// was never written.
/// </summary>
public static class ImageBlobs
{
    private static readonly string[] Extensions = [".jpg", ".png"];

    /// <summary>The stored bytes: <paramref name="png"/> for a PNG, a JPEG otherwise (the two formats images are stored in).</summary>
    public static string Key(string accountId, string imageId, bool png) =>
        $"{accountId}/images/{imageId}{(png ? ".png" : ".jpg")}";

    /// <summary>The person's mask (an 8-bit greyscale PNG over the stored image), written when a person was found.</summary>
    public static string MaskKey(string accountId, string imageId) => $"{accountId}/images/{imageId}.person.png";

    /// <summary>Every key the bytes of <paramref name="imageId"/> (and its mask) can have under <paramref name="accountId"/>.</summary>
    public static IEnumerable<string> PossibleKeys(string accountId, string imageId) =>
        Extensions.Select(extension => $"{accountId}/images/{imageId}{extension}").Append(MaskKey(accountId, imageId));
}
