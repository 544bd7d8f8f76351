// LiveMigration
