using MarketDelivery.Server.Auth;
using MarketDelivery.Server.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace MarketDelivery.Server.Api;

/// <summary>
/// How every endpoint states who may call it and what errors it answers. Each endpoint gets exactly one access rule
/// (<see cref="Rule{TBuilder}"/> with a policy of <see cref="AuthPolicies"/>, or <see cref="Public{TBuilder}"/>); the
/// access test matrix refuses an endpoint with neither. The error responses land in the OpenAPI document.
/// </summary>
public static class EndpointRules
{
    private static readonly string[] ProblemJson = ["application/problem+json"];

    /// <summary>Only callers the policy admits: 401 without a valid token, 403 with one that does not reach.</summary>
    public static TBuilder Rule<TBuilder>(this TBuilder builder, string policy, params int[] problems) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).Problems([StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, .. problems]);

    /// <summary>Open to anyone, signed in or not.</summary>
    public static TBuilder Public<TBuilder>(this TBuilder builder, params int[] problems) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().Problems(problems);

    /// <summary>Under a rate limit of <see cref="Authentication"/>: a refused request is a 429 with Retry-After.</summary>
    public static TBuilder Limited<TBuilder>(this TBuilder builder, string limit) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(limit).Problems(StatusCodes.Status429TooManyRequests);

    /// <summary>Documents problem-details answers with these status codes.</summary>
    public static TBuilder Problems<TBuilder>(this TBuilder builder, params int[] statusCodes) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statusCodes)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ProblemJson));
        }

        return builder;
    }

    /// <summary>
    /// In the OpenAPI document: every operation that needs a token names the bearer scheme, and every API operation
    /// documents the 503 a transient failure answers.
    /// </summary>
    public static void AddOperationRules(this OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var needsToken = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        if (needsToken)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(Authentication.BearerScheme, context.Document)] = [],
            });
        }

        operation.Responses ??= [];
        if (context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true)
        {
            operation.Responses.TryAdd("503", new OpenApiResponse
            {
                Description = $"Temporarily unavailable (a server failing over, the database away): retry after the Retry-After seconds ({TransientFailures.RetryAfterSeconds}).",
            });
        }

        return Task.CompletedTask;
    });
}
