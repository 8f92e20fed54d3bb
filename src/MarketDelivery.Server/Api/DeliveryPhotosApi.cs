using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Server.Auth;
using MarketDelivery.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;


namespace MarketDelivery.Server.Api;

/// <summary>
/// Photos as proof of delivery: the courier's phone uploads one for an order it carries, then names its id as the
/// <c>photoRef</c> of <c>POST /api/couriers/{courierId}/delivered</c>. Photos are stored with the order.
/// </summary>
public static class DeliveryPhotosApi
{
    /// <summary>The multipart field that carries the photo.</summary>
    public const string PhotoField = "photo";

    /// <summary>
    /// Room for the multipart framing (boundaries, part headers) on top of the photo limit. A body beyond photo limit
    /// plus this is cut off by Kestrel (413); a photo beyond its limit inside it is refused here (413).
    /// </summary>
    public const long MultipartAllowanceBytes = 64 * 1024;

    public static void MapDeliveryPhotosApi(this IEndpointRouteBuilder app)
    {
        // No Accepts metadata: routing would answer any other content type with a bare 415; the handler answers
        // a 400 problem that says what to send instead.
        app.MapPost("/api/couriers/{courierId}/orders/{orderId}/photo", Upload)
            .WithTags("Couriers")
            .WithSummary("Uploads a photo of the hand-over for an order this courier is assigned to or carries → 201 {photoId, ...}; " +
                         "deliver with {orderId, photoRef: photoId}.")
            .WithDescription($"multipart/form-data with one file field '{PhotoField}'. JPEG, PNG or WebP only, judged by the file's bytes " +
                             "(anything else: 415); larger than the configured limit (Couriers:MaxPhotoBytes, 5 MB by default): 413; empty, " +
                             "not multipart or without the field: 400; an order assigned to another courier or none: 409. The photo id comes " +
                             "from the content, so repeating an upload answers the same id.")
            .Rule(AuthPolicies.CourierSelf)
            .Limited(Authentication.DeliveryLimit)
            .Produces<DeliveryPhotoInfo>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        var photos = app.MapGroup("/api/orders/{orderId}").WithTags("Orders");

        photos.MapGet("/photos/{photoId}", async Task<IResult> (string orderId, string photoId, IDeliveryPhotoStore store, IdempotentCalls calls, HttpResponse response, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("orderId", orderId).Id("photoId", photoId).Problem is { } bad)
                {
                    return bad;
                }

                var photo = await calls.Run(() => store.ReadAsync(orderId, photoId, aborted), aborted);
                return photo is null ? Problems.NotFound($"Order '{orderId}' has no photo '{photoId}'.") : Image(photo, response);
            })
            .Rule(AuthPolicies.PartyToOrder, StatusCodes.Status400BadRequest)
            .WithSummary("A delivery photo of the order, for its customer, its market's staff or its courier: the image bytes with their content type.")
            .Produces(StatusCodes.Status200OK, contentType: PhotoFormats.Jpeg, additionalContentTypes: [PhotoFormats.Png, PhotoFormats.WebP])
            .ProducesProblem(StatusCodes.Status404NotFound);

        photos.MapGet("/photo", async Task<IResult> (string orderId, IGrainFactory grains, IDeliveryPhotoStore store, IdempotentCalls calls, HttpResponse response, CancellationToken aborted) =>
            {
                if (InputRules.Check().Id("orderId", orderId).Problem is { } bad)
                {
                    return bad;
                }

                var view = OrderIds.LooksLikeOrderId(orderId) ? await calls.Run(() => grains.GetGrain<IOrderGrain>(orderId).GetView(), aborted) : null;
                if (view is null)
                {
                    return Problems.NotFound($"There is no order '{orderId}'.");
                }

                const string prefix = "photo:";
                var proof = view.Delivery?.Proof;
                if (proof is null || !proof.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return Problems.NotFound($"Order '{orderId}' was not delivered with a photo.");
                }

                var photo = await calls.Run(() => store.ReadAsync(orderId, proof[prefix.Length..], aborted), aborted);
                return photo is null ? Problems.NotFound($"Order '{orderId}' has no stored photo '{proof[prefix.Length..]}'.") : Image(photo, response);
            })
            .Rule(AuthPolicies.PartyToOrder, StatusCodes.Status400BadRequest)
            .WithSummary("The photo the order was delivered with (its proof of delivery), for its customer, its market's staff or its courier: the image bytes with their content type.")
            .Produces(StatusCodes.Status200OK, contentType: PhotoFormats.Jpeg, additionalContentTypes: [PhotoFormats.Png, PhotoFormats.WebP])
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Upload(string courierId, string orderId, HttpContext http, IGrainFactory grains, IOptions<DeliveryRules> rules, CancellationToken aborted)
    {
        if (InputRules.Check().Id("courierId", courierId).Id("orderId", orderId).Problem is { } bad)
        {
            return bad;
        }

        var limit = rules.Value.MaxPhotoBytes;
        var request = http.Request;
        // Kestrel's limit for every other endpoint is far smaller; this one takes a photo and its multipart framing.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit + MultipartAllowanceBytes;
        }

        if (request.ContentLength > limit + MultipartAllowanceBytes)
        {
            return TooLarge(limit);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Length == 0)
        {
            return Problems.Invalid(PhotoField, $"Send the photo as multipart/form-data (with a boundary) in a file field named '{PhotoField}'.");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(aborted);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // Malformed or cut-short multipart (BadHttpRequestException is an IOException too).
            return Problems.Invalid(PhotoField, $"The multipart body could not be read: {ex.Message}");
        }

        var files = form.Files.GetFiles(PhotoField);
        if (files.Count != 1)
        {
            return Problems.Invalid(PhotoField, files.Count == 0
                ? $"The form has no file field named '{PhotoField}'."
                : $"Send one photo per upload, not {files.Count}.");
        }

        var file = files[0];
        if (file.Length == 0)
        {
            return Problems.Invalid(PhotoField, "The photo is empty.");
        }

        if (file.Length > limit)
        {
            return TooLarge(limit);
        }

        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(content, aborted);
        }

        if (PhotoFormats.Sniff(content) is null)
        {
            return TypedResults.Problem(
                $"A delivery photo must be a JPEG, PNG or WebP image; the file's content is none of these (whatever its name or declared type).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported photo type.");
        }

        var result = await grains.GetGrain<IOrderGrain>(orderId).AddDeliveryPhoto(courierId, content);
        return result.Value is { } info
            ? TypedResults.Created($"/api/orders/{Uri.EscapeDataString(orderId)}/photos/{info.PhotoId}", info)
            : Problems.From(result.Error!);
    }

    private static IResult TooLarge(long limit) =>
        TypedResults.Problem($"A delivery photo may be at most {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large.");

    private static IResult Image(DeliveryPhoto photo, HttpResponse response)
    {
        // The stored type was judged from the bytes; browsers must not second-guess it.
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.File(photo.Content, photo.ContentType);
    }
}
