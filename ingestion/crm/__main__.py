from ingestion.crm.extract import main

main()
