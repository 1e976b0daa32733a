using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IntegrationServices.Contracts.Measures.V1;
using IntegrationServices.ServiceDefaults.Api;
using IntegrationServices.ServiceDefaults.Errors;
using static IntegrationServices.Testing.Dates;

namespace IntegrationServices.ServiceDefaults.Tests;

public sealed class FieldMaskTests
{
    private static readonly UpdatableFields Fields = new(["code", "title", "description", "parent", "paper.reference"], ["name", "status", "etag"]);

    [Fact]
    public void An_empty_mask_means_the_populated_fields()
    {
        var paths = FieldMasks.Resolve(null, new Measure { Title = "Neu", Description = "", Etag = "\"3\"" }, Fields);
        Assert.Equal(["title"], paths);
        Assert.Equal(["code", "title"], FieldMasks.Resolve(new FieldMask(), new Measure { Code = "X", Title = "Y" }, Fields));
    }

    [Fact]
    public void A_star_means_every_updatable_field_and_stands_alone()
    {
        Assert.Equal(["code", "title", "description", "parent"], FieldMasks.Resolve(new FieldMask { Paths = { "*" } }, new Measure(), Fields));
        var e = Assert.Throws<ServiceException>(() => FieldMasks.Resolve(new FieldMask { Paths = { "*", "title" } }, new Measure(), Fields));
        Assert.Equal("update_mask", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void Named_paths_keep_their_order_of_declaration_and_sub_paths_are_allowed()
    {
        Assert.Equal(["title", "paper.reference"], FieldMasks.Resolve(new FieldMask { Paths = { "paper.reference", "title", "title" } }, new Measure(), Fields));
    }

    [Fact]
    public void Output_only_unknown_and_empty_masks_are_each_a_violation()
    {
        var e = Assert.Throws<ServiceException>(() => FieldMasks.Resolve(new FieldMask { Paths = { "status", "colour" } }, new Measure(), Fields));
        Assert.Equal(StatusCode.InvalidArgument, e.Code);
        Assert.Equal(2, e.Violations.Count);
        Assert.Contains("output-only", e.Violations[0].Description);
        Assert.Contains("cannot be updated", e.Violations[1].Description);
        Assert.Throws<ServiceException>(() => FieldMasks.Resolve(null, new Measure { Status = MeasureStatus.Implemented }, Fields));
    }
}

public sealed class ResourceNameTests
{
    private static readonly ResourceName Measures = new("measures", "42", numeric: true);
    private static readonly ResourceName Areas = new("areas", "130");

    [Theory]
    [InlineData("0")]
    [InlineData("2018")]
    [InlineData("population_total")]
    [InlineData("131-bis-2021")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void The_one_id_rule_admits_the_ids_of_the_contract(string id) => Assert.True(ResourceIds.IsValid(id));

    [Theory]
    [InlineData("")]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData("a_")]
    [InlineData("A")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a\u0000")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void The_one_id_rule_refuses_everything_else(string id) => Assert.False(ResourceIds.IsValid(id));

    [Fact]
    public void Names_parse_to_ids_and_numeric_collections_take_positive_numbers_only()
    {
        Assert.Equal(42, Measures.ParseNumber("measures/42"));
        Assert.Equal("131-bis-2021", Areas.Parse("areas/131-bis-2021"));
        Assert.False(Measures.TryParse("measures/0", out _));
        Assert.False(Measures.TryParse("measures/x", out _));
        Assert.False(Measures.TryParse("areas/42", out _));
        Assert.False(Measures.TryParse("measures/42/statusEvents/1", out _));
        Assert.Throws<FormatException>(() => Areas.Parse("areas/"));
    }

    [Fact]
    public void A_required_name_in_a_request_is_a_violation_of_its_field()
    {
        var e = Assert.Throws<ServiceException>(() => Measures.Require("measures/\u0007", "parent"));
        var violation = Assert.Single(e.Violations);
        Assert.Equal("parent", violation.Field);
        Assert.Contains("\\u0007", violation.Description);
        Assert.Equal("parent", Assert.Single(Assert.Throws<ServiceException>(() => Measures.Require("", "parent")).Violations).Field);
    }
}

public sealed class ProtoEnumTests
{
    [Fact]
    public void Values_read_and_write_as_their_proto_names()
    {
        Assert.Equal("IN_PROGRESS", ProtoEnum<MeasureStatus>.Name(MeasureStatus.InProgress));
        Assert.Equal(MeasureStatus.Discontinued, ProtoEnum<MeasureStatus>.Parse("DISCONTINUED"));
        Assert.Equal(["NOT_STARTED", "IN_PROGRESS", "IMPLEMENTED", "ONGOING", "DISCONTINUED"], ProtoEnum<MeasureStatus>.SpecifiedNames);
        Assert.Equal("42", ProtoEnum<MeasureStatus>.Name((MeasureStatus)42));
    }

    [Fact]
    public void The_unspecified_value_and_other_spellings_do_not_parse()
    {
        Assert.Throws<FormatException>(() => ProtoEnum<MeasureStatus>.Parse("MEASURE_STATUS_UNSPECIFIED"));
        Assert.Throws<FormatException>(() => ProtoEnum<MeasureStatus>.Parse("InProgress"));
        Assert.Throws<FormatException>(() => ProtoEnum<MeasureStatus>.Parse("in_progress"));
    }
}

public sealed class ValidatorTests
{
    [Theory]
    [InlineData("Titel\u0000")]
    [InlineData("Titel\u0007")]
    [InlineData("Zeile\nZeile")]
    [InlineData("Tab\tTab")]
    [InlineData("Del\u007f")]
    public void One_line_text_refuses_every_control_character(string text)
    {
        var v = new Validator().Text(text, "measure.title", 200);
        Assert.Equal("measure.title", Assert.Single(v.Violations).Field);
    }

    [Fact]
    public void Free_text_allows_tab_line_feed_and_carriage_return_only()
    {
        Assert.True(new Validator().FreeText("a\tb\r\nc", "note", 100).IsValid);
        Assert.False(new Validator().FreeText("a\u0000b", "note", 100).IsValid);
        Assert.False(new Validator().FreeText("a\u001bb", "note", 100).IsValid);
    }

    [Fact]
    public void Required_text_and_length_are_checked_before_characters()
    {
        var v = new Validator().Text(" ", "a", 5).Text("123456", "b", 5).FreeText(null, "c", 5, required: true);
        Assert.Equal(["a", "b", "c"], v.Violations.Select(x => x.Field));
    }

    [Fact]
    public void Dates_must_be_complete_and_real()
    {
        var v = new Validator();
        Assert.Equal(new DateOnly(2024, 2, 29), v.Date(D(2024, 2, 29), "d"));
        Assert.Null(v.Date(D(2023, 2, 29), "bad"));
        Assert.Null(v.Date(D(2023, 0, 1), "partial"));
        Assert.Null(v.Date(null, "required", required: true));
        Assert.Null(v.Date(null, "optional"));
        Assert.Equal(["bad", "partial", "required"], v.Violations.Select(x => x.Field));
    }

    [Fact]
    public void Out_of_range_timestamps_and_enum_values_are_violations()
    {
        var v = new Validator();
        Assert.Null(v.Instant(new Timestamp { Seconds = long.MaxValue }, "known_at"));
        v.Enum(MeasureStatus.Unspecified, "status").Enum((MeasureStatus)99, "other").Enum(MeasureStatus.Ongoing, "fine");
        Assert.Equal(["known_at", "status", "other"], v.Violations.Select(x => x.Field));
    }

    [Fact]
    public void Caller_text_in_messages_shows_control_characters_escaped_and_is_cut()
    {
        Assert.Equal("a\\u0000b", TextRules.Printable("a\u0000b"));
        Assert.Equal(101, TextRules.Printable(new string('x', 500)).Length);
    }
}
