namespace TryOn.Client;

/// <summary>
/// An image sent as a part of a multipart request, named by the <c>fileKey</c> of an image source in the body. The
/// stream is read once, when the call starts (so that a retry sends the same bytes); at most 10 MB.
/// </summary>
public sealed record FilePart(string Key, Stream Content, string FileName);
