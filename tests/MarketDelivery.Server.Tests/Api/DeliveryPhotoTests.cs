using MarketDelivery.Contracts.Accounts;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;

namespace MarketDelivery.Server.Tests.Api;

/// <summary>
/// One server, and four orders the rider <see cref="Rider"/> carries (planned, arrived, picked up over HTTP); a
/// second rider is on shift but carries none of them.
/// </summary>
public sealed class CarriedOrdersFixture : IAsyncLifetime
{
    public const string Rider = "photo-rider";
    public const string OtherRider = "photo-other";

    private readonly ServerFixture _server = new();

    public HttpClient Http => _server.Http;

    public IReadOnlyList<string> OrderIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        await Register(Rider);
        var slot = await Baskets.OpenSlot(Http);
        var orders = new List<string>();
        string slotStart = "";
        for (var n = 0; n < 4; n++)
        {
            var (status, placed, _) = await Http.PlaceOrder(Baskets.TwoStallOrder(slot, $"photo-customer-{n}"));
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal(HttpStatusCode.OK, (await Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{placed!["tickets"]![0]!["ticketId"]}/confirm",
                new { lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 3 } } })).Status);
            Assert.Equal(HttpStatusCode.OK, (await Http.PostJson($"/api/stalls/amsa-gwail/tickets/{placed["tickets"]![1]!["ticketId"]}/confirm",
                new { lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1 } } })).Status);
            orders.Add((string)placed["orderId"]!);
            slotStart = (string)placed["slotStart"]!;
        }

        _server.Server.Time.SetUtcNow(DateTimeOffset.Parse(slotStart, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(-44));
        var (planned, board, _) = await Http.PostJson("/api/markets/amsa/dispatch/plan", null);
        Assert.Equal(HttpStatusCode.OK, planned);
        var stops = board!["routes"]!.AsArray().Single(r => (string)r!["courierId"]! == Rider)!["stops"]!.AsArray();
        Assert.All(orders, o => Assert.Contains(stops, s => (string)s!["orderId"]! == o));
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson($"/api/couriers/{Rider}/arrived", new { marketId = "amsa" })).Status);
        var (picked, _, _) = await Http.PostJson($"/api/couriers/{Rider}/pickup", new { orderIds = orders });
        Assert.Equal(HttpStatusCode.OK, picked);
        OrderIds = orders;

        await Register(OtherRider);
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    /// <summary>The code only the order's customer reads.</summary>
    public async Task<string> CodeOf(string orderId)
    {
        using var customer = _server.Server.ClientAs(AccountRole.Customer, CustomerOf(orderId));
        return (string)(await customer.GetJson($"/api/orders/{orderId}"))["delivery"]!["deliveryCode"]!;
    }

    public string CustomerOf(string orderId) => $"photo-customer-{OrderIds.ToList().IndexOf(orderId)}";

    /// <summary>A client signed in as a role (the order's courier, its customer, another courier...).</summary>
    public HttpClient ClientAs(AccountRole role, string scopeId) => _server.Server.ClientAs(role, scopeId);

    private async Task Register(string courierId)
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.SendJson(HttpMethod.Put, $"/api/couriers/{courierId}", new
        {
            name = "사진배달", district = "강동구", mode = "scooter", capacityGrams = 30_000, capacityBags = 8, marketIds = new[] { "amsa" },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson($"/api/couriers/{courierId}/shift/start", new { plannedEnd = MarketServer.DefaultNow.AddHours(8) })).Status);
    }
}

/// <summary>
/// Proof of delivery over real HTTP: a photo is uploaded as multipart, judged by its bytes, kept with the order and
/// read back byte for byte; a delivery names it; wrong codes lock codes (429 with Retry-After) but not photos.
/// </summary>
public sealed class DeliveryPhotoTests(CarriedOrdersFixture fixture) : IClassFixture<CarriedOrdersFixture>
{
    private const long Limit = 5 * 1024 * 1024;
    private const string Rider = CarriedOrdersFixture.Rider;

    private HttpClient Http => fixture.Http;

    private static MultipartFormDataContent Form(byte[] content, string fileName = "door.png", string contentType = "image/png", string field = "photo")
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, field, fileName } };
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Upload(string courierId, string orderId, HttpContent content, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/couriers/{courierId}/orders/{orderId}/photo") { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text), response);
    }

    private static void AssertProblem(HttpStatusCode expected, (HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) answer)
    {
        Assert.True(expected == answer.Status, $"expected {(int)expected}, got {(int)answer.Status}: {answer.Body?.ToJsonString()}");
        Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace((string?)answer.Body?["detail"]), answer.Body?.ToJsonString());
    }

    [Fact]
    public async Task An_uploaded_png_delivers_the_order_and_is_read_back_byte_identical()
    {
        var orderId = fixture.OrderIds[0];

        var madeUp = await Http.PostJson($"/api/couriers/{Rider}/delivered", new { orderId, photoRef = "ph-0123456789abcdef01234567" });
        AssertProblem(HttpStatusCode.UnprocessableEntity, madeUp);
        Assert.True(madeUp.Body!["errors"]!.AsObject().ContainsKey("photoRef"), madeUp.Body.ToJsonString());

        var png = TestImages.Png(40, 30, seed: 5);
        var (status, created, response) = await Upload(Rider, orderId, Form(png));
        Assert.True(status == HttpStatusCode.Created, created?.ToJsonString());
        var photoId = (string)created!["photoId"]!;
        Assert.Equal("image/png", (string)created["contentType"]!);
        Assert.Equal(png.Length, (int)created["bytes"]!);
        Assert.Equal($"/api/orders/{orderId}/photos/{photoId}", response.Headers.Location!.OriginalString);

        // A retried upload names the same photo.
        var again = await Upload(Rider, orderId, Form(png));
        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.Equal(photoId, (string)again.Body!["photoId"]!);

        var (delivered, courier, _) = await Http.PostJson($"/api/couriers/{Rider}/delivered", new { orderId, photoRef = photoId });
        Assert.True(delivered == HttpStatusCode.OK, courier?.ToJsonString());
        var order = await Http.GetJson($"/api/orders/{orderId}");
        Assert.Equal("delivered", (string)order["status"]!);
        Assert.Equal($"photo:{photoId}", (string)order["delivery"]!["proof"]!);

        // The courier who delivered it and the customer read it back; another courier may not.
        using var rider = fixture.ClientAs(AccountRole.Courier, Rider);
        using var customer = fixture.ClientAs(AccountRole.Customer, fixture.CustomerOf(orderId));
        using var otherRider = fixture.ClientAs(AccountRole.Courier, CarriedOrdersFixture.OtherRider);
        foreach (var path in new[] { $"/api/orders/{orderId}/photos/{photoId}", $"/api/orders/{orderId}/photo" })
        {
            foreach (var reader in new[] { Http, rider, customer })
            {
                using var read = await reader.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.Equal("image/png", read.Content.Headers.ContentType!.MediaType);
                Assert.Equal(png, await read.Content.ReadAsByteArrayAsync());
            }

            Assert.Equal(HttpStatusCode.Forbidden, (await otherRider.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/orders/{orderId}/photos/ph-0123456789abcdef01234567")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/orders/{fixture.OrderIds[2]}/photo")).StatusCode);
    }

    [Fact]
    public async Task Uploads_that_are_not_a_photo_of_a_carried_order_are_problems()
    {
        var orderId = fixture.OrderIds[1];

        // A text file named and declared as a PNG: the bytes decide.
        var text = "These are not the pixels you are looking for.\n"u8.ToArray();
        AssertProblem(HttpStatusCode.UnsupportedMediaType, await Upload(Rider, orderId, Form(text, "door.png", "image/png")));
        // A GIF is an image, but not one we take.
        AssertProblem(HttpStatusCode.UnsupportedMediaType, await Upload(Rider, orderId, Form("GIF89a\u0001\u0000\u0001\u0000"u8.ToArray(), "door.gif", "image/gif")));

        AssertProblem(HttpStatusCode.BadRequest, await Upload(Rider, orderId, Form([])));
        var wrongField = await Upload(Rider, orderId, Form(TestImages.Png(4, 4), field: "picture"));
        AssertProblem(HttpStatusCode.BadRequest, wrongField);
        Assert.True(wrongField.Body!["errors"]!.AsObject().ContainsKey("photo"), wrongField.Body.ToJsonString());

        var noBoundary = new ByteArrayContent(TestImages.Png(4, 4));
        noBoundary.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");
        AssertProblem(HttpStatusCode.BadRequest, await Upload(Rider, orderId, noBoundary));
        var broken = new ByteArrayContent("--abc\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"x.png\"\r\n\r\n\u0089PNG"u8.ToArray());
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=abc");
        AssertProblem(HttpStatusCode.BadRequest, await Upload(Rider, orderId, broken));
        AssertProblem(HttpStatusCode.BadRequest, await Upload(Rider, orderId, new StringContent("{\"photo\": \"iVBORw0KGgo=\"}", System.Text.Encoding.UTF8, "application/json")));

        // A real photo, but the order is carried by another courier; and an order that does not exist.
        var notYours = await Upload(CarriedOrdersFixture.OtherRider, orderId, Form(TestImages.Png(4, 4)));
        AssertProblem(HttpStatusCode.Conflict, notYours);
        Assert.Contains($"assigned to courier {Rider}", (string)notYours.Body!["detail"]!, StringComparison.Ordinal);
        AssertProblem(HttpStatusCode.NotFound, await Upload(Rider, "o-aaaaaaaaaaaaaaaa", Form(TestImages.Png(4, 4))));

        Assert.Equal("outForDelivery", (string)(await Http.GetJson($"/api/orders/{orderId}"))["status"]!);
    }

    [Fact]
    public async Task A_photo_of_exactly_the_limit_is_taken_and_one_byte_more_or_a_huge_body_is_413()
    {
        var orderId = fixture.OrderIds[2];

        var atLimit = await Upload(Rider, orderId, Form(TestImages.PngOfLength((int)Limit)));
        Assert.True(atLimit.Status == HttpStatusCode.Created, atLimit.Body?.ToJsonString());
        Assert.Equal(Limit, (long)atLimit.Body!["bytes"]!);

        AssertProblem(HttpStatusCode.RequestEntityTooLarge, await Upload(Rider, orderId, Form(TestImages.PngOfLength((int)Limit + 1))));
        // Far beyond the limit: refused from its Content-Length before the body is read. A phone sending a large
        // upload asks "Expect: 100-continue", so it gets the 413 instead of sending 12 MB into a closing connection.
        var huge = await Upload(Rider, orderId, Form(TestImages.PngOfLength(12 * 1024 * 1024)), expectContinue: true);
        AssertProblem(HttpStatusCode.RequestEntityTooLarge, huge);
        Assert.Contains($"at most {Limit} bytes", (string)huge.Body!["detail"]!, StringComparison.Ordinal);

        // The server still serves this client afterwards.
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/api/orders/{orderId}")).StatusCode);
    }

    [Fact]
    public async Task The_other_courier_cannot_hand_over_or_fail_the_riders_order()
    {
        var orderId = fixture.OrderIds[1];
        var code = await fixture.CodeOf(orderId);

        AssertProblem(HttpStatusCode.Conflict, await Http.PostJson($"/api/couriers/{CarriedOrdersFixture.OtherRider}/delivered", new { orderId, deliveryCode = code }));
        AssertProblem(HttpStatusCode.Conflict, await Http.PostJson($"/api/couriers/{CarriedOrdersFixture.OtherRider}/failed", new { orderId, reason = "고객 부재" }));
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson($"/api/couriers/{CarriedOrdersFixture.OtherRider}/arrived", new { marketId = "amsa" })).Status);
        AssertProblem(HttpStatusCode.Conflict, await Http.PostJson($"/api/couriers/{CarriedOrdersFixture.OtherRider}/pickup", new { orderIds = new[] { orderId } }));
        Assert.Equal("outForDelivery", (string)(await Http.GetJson($"/api/orders/{orderId}"))["status"]!);
    }

    [Fact]
    public async Task Five_wrong_codes_are_429_with_retry_after_and_a_photo_still_delivers()
    {
        var orderId = fixture.OrderIds[3];
        var code = await fixture.CodeOf(orderId);
        var wrong = code == "0000" ? "1111" : "0000";
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            AssertProblem(HttpStatusCode.BadRequest, await Http.PostJson($"/api/couriers/{Rider}/delivered", new { orderId, deliveryCode = wrong }));
        }

        var locked = await Http.PostJson($"/api/couriers/{Rider}/delivered", new { orderId, deliveryCode = wrong });
        AssertProblem(HttpStatusCode.TooManyRequests, locked);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Response.Headers.RetryAfter!.Delta);

        var right = await Http.PostJson($"/api/couriers/{Rider}/delivered", new { orderId, deliveryCode = code });
        AssertProblem(HttpStatusCode.TooManyRequests, right);
        Assert.NotNull(right.Response.Headers.RetryAfter?.Delta);
        Assert.Equal("outForDelivery", (string)(await Http.GetJson($"/api/orders/{orderId}"))["status"]!);

        var photo = TestImages.Png(16, 16, seed: 9);
        var (status, created, _) = await Upload(Rider, orderId, Form(photo));
        Assert.Equal(HttpStatusCode.Created, status);
        var (delivered, _, _) = await Http.PostJson($"/api/couriers/{Rider}/delivered", new { orderId, photoRef = (string)created!["photoId"]! });
        Assert.Equal(HttpStatusCode.OK, delivered);
        Assert.Equal("delivered", (string)(await Http.GetJson($"/api/orders/{orderId}"))["status"]!);
    }
}
