using System.Diagnostics.CodeAnalysis;
using TryOn.Contracts.Errors;
using TryOn.Web.Errors;

namespace TryOn.Web.Multipart;

/// <summary>The forms a body read by <see cref="RequestBody"/> or <see cref="MultipartForm"/> can take.</summary>
internal enum BodyForms
{
    /// <summary>JSON, or a multipart form with that JSON in its <c>data</c> field and the images as file parts named by <c>fileKey</c>.</summary>
    JsonOrMultipart,

    /// <summary>A multipart form of fields and files.</summary>
    Multipart,
}

/// <summary>
/// The body of an endpoint that reads its own (so that a bad one is an error envelope naming the field), for the
/// OpenAPI document: <see cref="Schema"/> is the JSON for <see cref="BodyForms.JsonOrMultipart"/>, the form's fields
/// for <see cref="BodyForms.Multipart"/>; <see cref="Example"/> a JSON body as a merchant would send it.
/// </summary>
internal sealed record RequestBodyMetadata(Type Schema, BodyForms Forms, string? Example, IReadOnlyList<BodyShape> Shapes);

/// <summary>
/// One of the shapes a body type accepts (the try-on's 1.4, 1.3 and 1.0 ones), for the OpenAPI document: its
/// <see cref="Properties"/> by JSON name, each described as its C# type or as the type given for it here.
/// </summary>
internal sealed record BodyShape(string Name, string Description, IReadOnlyDictionary<string, Type?> Properties, IReadOnlyList<string> Required);

internal static class RequestBodyConventions
{
    /// <summary>The endpoint reads a <typeparamref name="TBody"/> with <see cref="RequestBody.ReadAsync"/>.</summary>
    /// <remarks>With <paramref name="shapes"/>, the body is one of them (the first is the current one).</remarks>
    public static RouteHandlerBuilder AcceptsJsonOrMultipart<TBody>(
        this RouteHandlerBuilder builder, [StringSyntax(StringSyntaxAttribute.Json)] string example, params IReadOnlyList<BodyShape> shapes) =>
        builder
            .WithMetadata(new RequestBodyMetadata(typeof(TBody), BodyForms.JsonOrMultipart, example, shapes))
            .ProducesErrors([.. ErrorResponseMetadata.JsonBody, .. ErrorResponseMetadata.MultipartBody, ErrorCodes.MultipartFileNotFound]);

    /// <summary>The endpoint reads the form <typeparamref name="TForm"/> describes with <see cref="MultipartForm.ReadAsync"/>.</summary>
    public static RouteHandlerBuilder AcceptsMultipart<TForm>(this RouteHandlerBuilder builder) =>
        builder
            .WithMetadata(new RequestBodyMetadata(typeof(TForm), BodyForms.Multipart, Example: null, []))
            .ProducesErrors([.. ErrorResponseMetadata.MultipartBody, ErrorCodes.FileRequired, ErrorCodes.ValidationFailed]);
}
