using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Storage;

/// <summary>The statements on the catalogue (fields of action, action concepts, units), valid on SQLite and SQL Server.</summary>
[SqlStatements]
public sealed class CatalogueSql(SqlDialect dialect)
{
    public string ListFieldsOfAction => $"""
        SELECT number AS Number, title AS Title, description AS Description
        FROM fields_of_action WHERE number > @After ORDER BY number {dialect.Limit("@Limit")}
        """;

    public string FieldOfActionExists => "SELECT COUNT(*) FROM fields_of_action WHERE number = @Number";

    public string ListActionConcepts => $"""
        SELECT id AS Id, title AS Title, adopted_on AS AdoptedOn, council_paper AS CouncilPaper, note AS Note, create_time AS CreateTime
        FROM action_concepts WHERE id > @After ORDER BY id {dialect.Limit("@Limit")}
        """;

    public string GetActionConcept => """
        SELECT id AS Id, title AS Title, adopted_on AS AdoptedOn, council_paper AS CouncilPaper, note AS Note, create_time AS CreateTime
        FROM action_concepts WHERE id = @Id
        """;

    public string InsertActionConcept => """
        INSERT INTO action_concepts (id, title, adopted_on, council_paper, note, create_time)
        VALUES (@Id, @Title, @AdoptedOn, @CouncilPaper, @Note, @CreateTime)
        """;

    public string ListUnits => $"""
        SELECT id AS Id, title AS Title, parent_id AS ParentId, create_time AS CreateTime
        FROM units WHERE id > @After ORDER BY id {dialect.Limit("@Limit")}
        """;

    public string AllUnits => "SELECT id AS Id, title AS Title, parent_id AS ParentId, create_time AS CreateTime FROM units";

    public string GetUnit => "SELECT id AS Id, title AS Title, parent_id AS ParentId, create_time AS CreateTime FROM units WHERE id = @Id";

    public string InsertUnit => """
        INSERT INTO units (id, title, parent_id, create_time) VALUES (@Id, @Title, @ParentId, @CreateTime)
        """;
}
