using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using NetVips;
using TryOn.Contracts.Images;
using TryOn.Grains.Images;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Images;

/// <summary><c>POST /tryon/v1/images/upload</c> and the signed link it returns, over a real socket.</summary>
public sealed class ImageUploadTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private static MultipartFormDataContent Form(byte[]? file, string fileName = "photo.jpg", string contentType = "image/jpeg", params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        if (file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(part, "file", fileName);
        }

        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private static byte[] Photo(int width = 1200, int height = 900)
    {
        using var image = TestImages.WithTopLeftMarker(width, height);
        return TestImages.Jpeg(image);
    }

    [Fact]
    public async Task Upload_returns_an_id_and_a_signed_link_that_serves_the_portrait_crop_without_a_key()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var uploaded = await (await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(Photo()))).ShouldBeOkAsync();

        Assert.StartsWith("img_", uploaded.GetProperty("imageId").GetString(), StringComparison.Ordinal);
        var link = uploaded.GetProperty("imageUrl").GetString()!;
        Assert.Contains("signature=", link, StringComparison.Ordinal);
        Assert.Equal((720, 900), (uploaded.GetProperty("width").GetInt32(), uploaded.GetProperty("height").GetInt32()));

        var file = await fixture.Anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/jpeg", file.Content.Headers.ContentType?.MediaType);
        using var served = Image.NewFromBuffer(await file.Content.ReadAsByteArrayAsync());
        Assert.Equal((720, 900), (served.Width, served.Height));
    }

    [Fact]
    public async Task Crop_false_keeps_the_framing_and_the_photo_is_stored_upright()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var sideways = TestImages.WithTopLeftMarker(600, 400);
        var uploaded = await (await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(TestImages.Jpeg(sideways, exifOrientation: 6), fields: ("crop", "false"))))
            .ShouldBeOkAsync();
        Assert.Equal((400, 600), (uploaded.GetProperty("width").GetInt32(), uploaded.GetProperty("height").GetInt32()));
    }

    [Fact]
    public async Task Heic_upload_is_stored_as_jpeg()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var uploaded = await (await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(TestImages.Read("person-astronaut.heic"), "me.heic", "image/heic", ("crop", "false"))))
            .ShouldBeOkAsync();
        var file = await fixture.Anonymous.GetAsync(uploaded.GetProperty("imageUrl").GetString());
        Assert.Equal("image/jpeg", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(512, uploaded.GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task Retention_and_user_are_recorded_and_the_image_belongs_to_its_account_only()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var before = DateTimeOffset.UtcNow;
        var uploaded = await (await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(Photo(), fields: [("keepForDays", "3"), ("externalUserId", "u-77")])))
            .ShouldBeOkAsync();

        var expiresAt = uploaded.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddDays(3).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(3).AddMinutes(1));
        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        var image = grains.GetGrain<IImageGrain>(uploaded.GetProperty("imageId").GetString()!);
        var own = await image.FindAsync(merchant.AccountId);
        Assert.Equal(ImageLookupStatus.Found, own.Status);
        Assert.Equal("u-77", own.Image!.ExternalUserId);
        Assert.Equal(ImageLookupStatus.OtherAccount, (await image.FindAsync("acct_someone_else")).Status);
    }

    [Fact]
    public async Task Deprecated_aliases_are_accepted_and_conflicts_refused()
    {
        var merchant = await fixture.CreateMerchantAsync();
        await (await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(Photo(), fields: [("retentionDays", "1"), ("customerId", "u-1")]))).ShouldBeOkAsync();

        var conflict = await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(Photo(), fields: [("keepForDays", "1"), ("retentionDays", "7")]));
        var envelope = await conflict.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("keepForDays", envelope.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("keepForDays", "5")]
    [InlineData("keepForDays", "seven")]
    [InlineData("crop", "maybe")]
    public async Task Bad_fields_are_VALIDATION_FAILED(string field, string value)
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(Photo(), fields: (field, value)));
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(field, envelope.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_second_file_part_is_MALFORMED_MULTIPART()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var form = Form(Photo());
        form.Add(new ByteArrayContent(Photo()), "other", "other.jpg");
        await (await merchant.Client.PostAsync("/tryon/v1/images/upload", form)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "MALFORMED_MULTIPART");
    }

    [Fact]
    public async Task Upload_without_a_file_is_FILE_REQUIRED()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(null, fields: ("crop", "true")));
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "FILE_REQUIRED");
    }

    public static TheoryData<string, byte[], string> BadFiles() => new()
    {
        { "zero bytes", [], "INVALID_IMAGE" },
        { "truncated jpeg", TestImages.Truncated(Photo()), "INVALID_IMAGE" },
        { "gif named jpg", TestImages.Gif().Concat(new byte[64]).ToArray(), "UNSUPPORTED_IMAGE_TYPE" },
        { "text named jpg", "hello, this is not a photo at all, sorry"u8.ToArray(), "UNSUPPORTED_IMAGE_TYPE" },
        { "pixel bomb", TestImages.PngHeaderClaiming(30000, 30000), "INVALID_IMAGE" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Bad_files_get_their_catalogue_code(string name, byte[] bytes, string code)
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(bytes));
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, code);
        _ = name;
    }

    [Fact]
    public async Task File_over_ten_megabytes_is_FILE_TOO_LARGE()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var bytes = new byte[11 * 1024 * 1024];
        Photo().CopyTo(bytes, 0);
        var response = await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(bytes));
        await response.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "FILE_TOO_LARGE");
    }

    [Fact]
    public async Task Multipart_without_a_boundary_is_MALFORMED_MULTIPART()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var content = new ByteArrayContent(Photo());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");
        var response = await merchant.Client.PostAsync("/tryon/v1/images/upload", content);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "MALFORMED_MULTIPART");
    }

    [Fact]
    public async Task Multipart_cut_off_mid_part_is_MALFORMED_MULTIPART()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nxxxxxxxx"u8.ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        var response = await merchant.Client.PostAsync("/tryon/v1/images/upload", content);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "MALFORMED_MULTIPART");
    }

    [Fact]
    public async Task Json_body_is_UNSUPPORTED_MEDIA_TYPE()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await merchant.Client.PostRawAsync("/tryon/v1/images/upload", """{"file": "x"}""");
        await response.ShouldBeErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Upload_needs_an_api_key()
    {
        var response = await fixture.Anonymous.PostAsync("/tryon/v1/images/upload", Form(Photo()));
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "MISSING_API_KEY");
    }

    [Theory]
    [InlineData("signature", "AAAA")]
    [InlineData("expires", "9999999999")]
    [InlineData("path", "other")]
    public async Task Altered_links_are_FILE_LINK_INVALID(string part, string value)
    {
        var merchant = await fixture.CreateMerchantAsync();
        var link = (await (await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(Photo()))).ShouldBeOkAsync()).GetProperty("imageUrl").GetString()!;
        var uri = new Uri(link);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var path = uri.AbsolutePath;
        if (part == "path")
        {
            path = path.Replace("/images/", "/" + value + "/", StringComparison.Ordinal);
        }
        else
        {
            query[part] = value;
        }

        var response = await fixture.Anonymous.GetAsync($"{path}?{query}");
        await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FILE_LINK_INVALID");
    }

    [Fact]
    public async Task Link_to_a_deleted_file_is_FILE_NOT_FOUND()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var link = (await (await merchant.Client.PostAsync("/tryon/v1/images/upload", Form(Photo()))).ShouldBeOkAsync()).GetProperty("imageUrl").GetString()!;
        var blobKey = new Uri(link).AbsolutePath["/files/".Length..];
        File.Delete(Path.Combine(fixture.App.DataDirectory, "blobs", blobKey));

        var response = await fixture.Anonymous.GetAsync(link);
        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "FILE_NOT_FOUND");
    }
}
