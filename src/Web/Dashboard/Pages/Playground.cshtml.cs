using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using TryOn.Contracts;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Products;
using TryOn.Web.Errors;
using TryOn.Web.Multipart;
using TryOn.Web.TryOn;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// A try-on from the dashboard with the account's credits: a photo of a person, and a product of the catalogue or a
/// garment photo uploaded here. The form is turned into the API's own try-on request (the photo and garment as the
/// parts it names) and taken in by the API's own intake, so it is checked, charged and run exactly as a merchant's
/// call would be; the answer leads to the generation's page, which follows it to its result.
/// </summary>
[RequestSizeLimit(MaxBodyBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxBodyBytes)]
internal sealed class PlaygroundModel(
    IGrainFactory grains,
    IProductReadModel products,
    TryOnIntake intake,
    FormIntake forms,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock) : DashboardPage(grains)
{
    /// <summary>Two images at the per-file cap, and the form's few fields.</summary>
    public const long MaxBodyBytes = (2 * (MultipartForm.MaxFileBytes + (64 * 1024))) + (64 * 1024);

    /// <summary>Products offered to pick from: the newest of the catalogue.</summary>
    public const int ProductChoices = 100;

    public const string FromCatalogue = "catalogue";

    public const string FromUpload = "upload";

    private const string PersonPart = "person";

    private const string GarmentPart = "garment";

    /// <summary>Where the product comes from: <see cref="FromCatalogue"/> or <see cref="FromUpload"/>.</summary>
    [BindProperty] public string Source { get; set; } = FromCatalogue;

    [BindProperty] public string? ProductExternalId { get; set; }

    [BindProperty] public string Category { get; set; } = "tops";

    [BindProperty] public string? Description { get; set; }

    public IReadOnlyList<ProductSnapshot> Products { get; private set; } = [];

    public string? Problem { get; private set; }

    public string? ProblemCode { get; private set; }

    public IReadOnlyList<string> ProblemDetails { get; private set; } = [];

    public async Task OnGetAsync() => await LoadProductsAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadProductsAsync();
        var fromUpload = Source == FromUpload;
        var files = Request.Form.Files;
        var person = files.GetFile(PersonPart);
        var garment = fromUpload ? files.GetFile(GarmentPart) : null;
        var missing = person is not { Length: > 0 } ? "Choose a photo of a person."
            : fromUpload && garment is not { Length: > 0 } ? "Choose a photo of the garment, or pick a product of your catalogue."
            : !fromUpload && string.IsNullOrWhiteSpace(ProductExternalId) ? "Pick a product, or upload a garment photo."
            : new[] { person, garment }.FirstOrDefault(file => file?.Length > MultipartForm.MaxFileBytes) is { } large
                ? $"'{large.FileName}' is larger than {MultipartForm.MaxFileBytes / (1024 * 1024)} MB."
                : null;
        if (missing is not null)
        {
            Problem = missing;
            return Page();
        }

        // The images are held in memory from here: they take their place among the process's uploads, as the API's do.
        using var place = await forms.EnterAsync(HttpContext, AccountId, HttpContext.RequestAborted);
        if (place is null)
        {
            Problem = "The service is taking in many uploads just now. Try again in a moment.";
            return Page();
        }

        var parts = new Dictionary<string, FilePart>(StringComparer.Ordinal) { [PersonPart] = await ReadAsync(person!) };
        if (garment is not null)
        {
            parts[GarmentPart] = await ReadAsync(garment);
        }

        using var body = JsonDocument.Parse(TryOnBody(fromUpload).ToJsonString());
        var tryOn = TryOnRequest.Read(body.RootElement, out var invalid);
        var (started, error) = tryOn is null
            ? (null, invalid)
            : await intake.AcceptAsync(AccountId, tryOn, parts, idempotent: null, HttpContext.RequestAborted);
        if (started is null)
        {
            Show(error!);
            return Page();
        }

        return RedirectToPage("/Generation", new { generationId = started.GenerationId });
    }

    /// <summary>The API's try-on body for this form (docs/generations.md): the photo and garment by the parts that carry them.</summary>
    private JsonObject TryOnBody(bool fromUpload)
    {
        JsonObject product = fromUpload
            ? new JsonObject
            {
                ["category"] = Category,
                ["images"] = new JsonArray(new JsonObject { ["source"] = new JsonObject { ["fileKey"] = GarmentPart } }),
            }
            : new JsonObject { ["externalId"] = ProductExternalId!.Trim() };
        if (fromUpload && !string.IsNullOrWhiteSpace(Description))
        {
            product["description"] = Description.Trim();
        }

        return new JsonObject
        {
            ["products"] = new JsonArray(product),
            ["person"] = new JsonObject { ["image"] = new JsonObject { ["source"] = new JsonObject { ["fileKey"] = PersonPart } } },
        };
    }

    private void Show(ApiError error)
    {
        Problem = error.Message;
        ProblemCode = error.Code;
        ProblemDetails = error.Details is IEnumerable<ValidationIssue> issues ? [.. issues.Select(issue => issue.Message)] : [];
    }

    private static async Task<FilePart> ReadAsync(IFormFile file)
    {
        using var content = new MemoryStream((int)file.Length);
        await file.CopyToAsync(content);
        return new FilePart(file.Name, file.FileName, content.ToArray());
    }

    private async Task LoadProductsAsync()
    {
        Products = (await products.ListAsync(AccountId, new PageRequest(null, ProductChoices), clock.GetUtcNow(), HttpContext.RequestAborted)).Items;
        if (Products.Count == 0 && !HttpMethods.IsPost(Request.Method))
        {
            Source = FromUpload;
        }
    }
}
