SELECT
  "Dvc",
  "Processes",
  "TimeGenerated"
FROM (
  SELECT
    "_q5"."Dvc",
    CAST(TO_JSON(
      ARRAY_AGG(
        TO_JSON(COALESCE("_q4"."_a0", CAST(CAST(0 AS BIGINT) AS BIGINT))) ORDER BY "_q5"."__kqlhunt_bin"
      )
    ) AS JSON) AS "Processes",
    CAST(TO_JSON(
      ARRAY_AGG(
        CASE
          WHEN MAKE_TIMESTAMP(
            CAST((
              CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
            ) + CAST("_q5"."__kqlhunt_bin" AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) AS BIGINT)
          ) IS NULL
          THEN CAST(NULL AS JSON)
          ELSE TO_JSON(
            COALESCE(
              CASE
                WHEN MAKE_TIMESTAMP(
                  CAST((
                    CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                  ) + CAST("_q5"."__kqlhunt_bin" AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) AS BIGINT)
                ) IS NULL
                THEN ''
                ELSE CONCAT(
                  STRFTIME(
                    MAKE_TIMESTAMP(
                      CAST((
                        CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                      ) + CAST("_q5"."__kqlhunt_bin" AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) AS BIGINT)
                    ),
                    '%Y-%m-%dT%H:%M:%S'
                  ),
                  CASE
                    WHEN EPOCH_US(
                      MAKE_TIMESTAMP(
                        CAST((
                          CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                        ) + CAST("_q5"."__kqlhunt_bin" AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) AS BIGINT)
                      )
                    ) % 1000000 = 0
                    THEN 'Z'
                    ELSE CONCAT(
                      '.',
                      LPAD(
                        CAST(EPOCH_US(
                          MAKE_TIMESTAMP(
                            CAST((
                              CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                            ) + CAST("_q5"."__kqlhunt_bin" AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) AS BIGINT)
                          )
                        ) % 1000000 AS TEXT),
                        6,
                        '0'
                      ),
                      '0Z'
                    )
                  END
                )
              END,
              ''
            )
          )
        END ORDER BY "_q5"."__kqlhunt_bin"
      )
    ) AS JSON) AS "TimeGenerated"
  FROM (
    SELECT
      "g"."Dvc",
      "s"."__kqlhunt_bin"
    FROM (
      SELECT DISTINCT
        "Dvc"
      FROM (
        SELECT
          "Dvc",
          CAST(FLOOR(
            (
              CAST(EPOCH_US("TimeGenerated") AS DOUBLE) - (
                CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
              )
            ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE)
          ) AS BIGINT) AS "__kqlhunt_bin",
          COUNT(*) AS "_a0"
        FROM (
          SELECT
            "TimeGenerated",
            "Dvc"
          FROM (
            SELECT
              "TimeGenerated",
              "Type",
              "EventCount",
              "EventStartTime",
              "EventEndTime",
              "EventType",
              "EventSubType",
              "EventResult",
              "EventResultDetails",
              "EventOriginalResultDetails",
              "EventSeverity",
              "EventOriginalSeverity",
              "EventUid",
              "EventOriginalUid",
              "EventOriginalType",
              "EventOriginalSubType",
              "EventMessage",
              "EventProduct",
              "EventProductVersion",
              "EventVendor",
              "EventSchema",
              "EventSchemaVersion",
              "EventReportUrl",
              "EventOwner",
              "AdditionalFields",
              "Dvc",
              "DvcIpAddr",
              "DvcHostname",
              "DvcDomain",
              "DvcDomainType",
              "DvcFQDN",
              "DvcId",
              "DvcIdType",
              "DvcDescription",
              "DvcMacAddr",
              "DvcZone",
              "DvcOs",
              "DvcOsVersion",
              "DvcAction",
              "DvcOriginalAction",
              "DvcInterface",
              "DvcScopeId",
              "DvcScope",
              "User",
              "Process",
              "CommandLine",
              "Hash",
              "ActorUserId",
              "ActorUserIdType",
              "ActorScope",
              "ActorScopeId",
              "ActorUsername",
              "ActorUsernameType",
              "ActorSessionId",
              "ActorUserType",
              "ActorOriginalUserType",
              "ActingProcessCommandLine",
              "ActingProcessCreationTime",
              "ActingProcessFileCompany",
              "ActingProcessFileDescription",
              "ActingProcessFileInternalName",
              "ActingProcessFileOriginalName",
              "ActingProcessFileProduct",
              "ActingProcessFileSize",
              "ActingProcessFileVersion",
              "ActingProcessFilename",
              "ActingProcessGuid",
              "ActingProcessIMPHASH",
              "ActingProcessId",
              "ActingProcessInjectedAddress",
              "ActingProcessIntegrityLevel",
              "ActingProcessIsHidden",
              "ActingProcessMD5",
              "ActingProcessName",
              "ActingProcessSHA1",
              "ActingProcessSHA256",
              "ActingProcessSHA512",
              "ActingProcessTokenElevation",
              "ParentProcessCreationTime",
              "ParentProcessFileCompany",
              "ParentProcessFileDescription",
              "ParentProcessFileProduct",
              "ParentProcessFileVersion",
              "ParentProcessGuid",
              "ParentProcessIMPHASH",
              "ParentProcessId",
              "ParentProcessInjectedAddress",
              "ParentProcessIntegrityLevel",
              "ParentProcessIsHidden",
              "ParentProcessMD5",
              "ParentProcessName",
              "ParentProcessSHA1",
              "ParentProcessSHA256",
              "ParentProcessSHA512",
              "ParentProcessTokenElevation",
              "TargetUsername",
              "TargetUsernameType",
              "TargetUserId",
              "TargetUserIdType",
              "TargetUserSessionId",
              "TargetUserType",
              "TargetOriginalUserType",
              "TargetUserScope",
              "TargetUserScopeId",
              "TargetUserSessionGuid",
              "TargetProcessCommandLine",
              "TargetProcessCreationTime",
              "TargetProcessCurrentDirectory",
              "TargetProcessFileCompany",
              "TargetProcessFileDescription",
              "TargetProcessFileInternalName",
              "TargetProcessFileOriginalName",
              "TargetProcessFileProduct",
              "TargetProcessFileSize",
              "TargetProcessFileVersion",
              "TargetProcessFilename",
              "TargetProcessGuid",
              "TargetProcessIMPHASH",
              "TargetProcessId",
              "TargetProcessInjectedAddress",
              "TargetProcessIntegrityLevel",
              "TargetProcessIsHidden",
              "TargetProcessMD5",
              "TargetProcessName",
              "TargetProcessSHA1",
              "TargetProcessSHA256",
              "TargetProcessSHA512",
              "TargetProcessStatusCode",
              "TargetProcessTokenElevation",
              "HashType",
              "RuleName",
              "RuleNumber",
              "Rule",
              "ThreatId",
              "ThreatName",
              "ThreatCategory",
              "ThreatRiskLevel",
              "ThreatOriginalRiskLevel",
              "ThreatField",
              "ThreatConfidence",
              "ThreatOriginalConfidence",
              "ThreatIsActive",
              "ThreatFirstReportedTime",
              "ThreatLastReportedTime"
            FROM "imProcessCreate"
          ) AS _q1
        ) AS _q3
        WHERE
          (
            CAST(EPOCH_US("TimeGenerated") AS DOUBLE) - (
              CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
            )
          ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) >= 0
          AND (
            CAST(EPOCH_US("TimeGenerated") AS DOUBLE) - (
              CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
            )
          ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) < (
            CEIL(
              (
                CAST(EPOCH_US(CAST('2024-03-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE) - (
                  CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                )
              ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE)
            )
          )
        GROUP BY
          "Dvc",
          CAST(FLOOR(
            (
              CAST(EPOCH_US("TimeGenerated") AS DOUBLE) - (
                CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
              )
            ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE)
          ) AS BIGINT)
      ) AS _q6
    ) AS g
    CROSS JOIN UNNEST(GENERATE_SERIES(
      0,
      CAST((
        CEIL(
          (
            CAST(EPOCH_US(CAST('2024-03-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE) - (
              CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
            )
          ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE)
        )
      ) AS BIGINT) - 1
    )) AS s("__kqlhunt_bin")
  ) AS _q5
  LEFT JOIN (
    SELECT
      "Dvc",
      CAST(FLOOR(
        (
          CAST(EPOCH_US("TimeGenerated") AS DOUBLE) - (
            CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
          )
        ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE)
      ) AS BIGINT) AS "__kqlhunt_bin",
      COUNT(*) AS "_a0"
    FROM (
      SELECT
        "TimeGenerated",
        "Dvc"
      FROM (
        SELECT
          "TimeGenerated",
          "Type",
          "EventCount",
          "EventStartTime",
          "EventEndTime",
          "EventType",
          "EventSubType",
          "EventResult",
          "EventResultDetails",
          "EventOriginalResultDetails",
          "EventSeverity",
          "EventOriginalSeverity",
          "EventUid",
          "EventOriginalUid",
          "EventOriginalType",
          "EventOriginalSubType",
          "EventMessage",
          "EventProduct",
          "EventProductVersion",
          "EventVendor",
          "EventSchema",
          "EventSchemaVersion",
          "EventReportUrl",
          "EventOwner",
          "AdditionalFields",
          "Dvc",
          "DvcIpAddr",
          "DvcHostname",
          "DvcDomain",
          "DvcDomainType",
          "DvcFQDN",
          "DvcId",
          "DvcIdType",
          "DvcDescription",
          "DvcMacAddr",
          "DvcZone",
          "DvcOs",
          "DvcOsVersion",
          "DvcAction",
          "DvcOriginalAction",
          "DvcInterface",
          "DvcScopeId",
          "DvcScope",
          "User",
          "Process",
          "CommandLine",
          "Hash",
          "ActorUserId",
          "ActorUserIdType",
          "ActorScope",
          "ActorScopeId",
          "ActorUsername",
          "ActorUsernameType",
          "ActorSessionId",
          "ActorUserType",
          "ActorOriginalUserType",
          "ActingProcessCommandLine",
          "ActingProcessCreationTime",
          "ActingProcessFileCompany",
          "ActingProcessFileDescription",
          "ActingProcessFileInternalName",
          "ActingProcessFileOriginalName",
          "ActingProcessFileProduct",
          "ActingProcessFileSize",
          "ActingProcessFileVersion",
          "ActingProcessFilename",
          "ActingProcessGuid",
          "ActingProcessIMPHASH",
          "ActingProcessId",
          "ActingProcessInjectedAddress",
          "ActingProcessIntegrityLevel",
          "ActingProcessIsHidden",
          "ActingProcessMD5",
          "ActingProcessName",
          "ActingProcessSHA1",
          "ActingProcessSHA256",
          "ActingProcessSHA512",
          "ActingProcessTokenElevation",
          "ParentProcessCreationTime",
          "ParentProcessFileCompany",
          "ParentProcessFileDescription",
          "ParentProcessFileProduct",
          "ParentProcessFileVersion",
          "ParentProcessGuid",
          "ParentProcessIMPHASH",
          "ParentProcessId",
          "ParentProcessInjectedAddress",
          "ParentProcessIntegrityLevel",
          "ParentProcessIsHidden",
          "ParentProcessMD5",
          "ParentProcessName",
          "ParentProcessSHA1",
          "ParentProcessSHA256",
          "ParentProcessSHA512",
          "ParentProcessTokenElevation",
          "TargetUsername",
          "TargetUsernameType",
          "TargetUserId",
          "TargetUserIdType",
          "TargetUserSessionId",
          "TargetUserType",
          "TargetOriginalUserType",
          "TargetUserScope",
          "TargetUserScopeId",
          "TargetUserSessionGuid",
          "TargetProcessCommandLine",
          "TargetProcessCreationTime",
          "TargetProcessCurrentDirectory",
          "TargetProcessFileCompany",
          "TargetProcessFileDescription",
          "TargetProcessFileInternalName",
          "TargetProcessFileOriginalName",
          "TargetProcessFileProduct",
          "TargetProcessFileSize",
          "TargetProcessFileVersion",
          "TargetProcessFilename",
          "TargetProcessGuid",
          "TargetProcessIMPHASH",
          "TargetProcessId",
          "TargetProcessInjectedAddress",
          "TargetProcessIntegrityLevel",
          "TargetProcessIsHidden",
          "TargetProcessMD5",
          "TargetProcessName",
          "TargetProcessSHA1",
          "TargetProcessSHA256",
          "TargetProcessSHA512",
          "TargetProcessStatusCode",
          "TargetProcessTokenElevation",
          "HashType",
          "RuleName",
          "RuleNumber",
          "Rule",
          "ThreatId",
          "ThreatName",
          "ThreatCategory",
          "ThreatRiskLevel",
          "ThreatOriginalRiskLevel",
          "ThreatField",
          "ThreatConfidence",
          "ThreatOriginalConfidence",
          "ThreatIsActive",
          "ThreatFirstReportedTime",
          "ThreatLastReportedTime"
        FROM "imProcessCreate"
      ) AS _q1
    ) AS _q3
    WHERE
      (
        CAST(EPOCH_US("TimeGenerated") AS DOUBLE) - (
          CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
        )
      ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) >= 0
      AND (
        CAST(EPOCH_US("TimeGenerated") AS DOUBLE) - (
          CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
        )
      ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE) < (
        CEIL(
          (
            CAST(EPOCH_US(CAST('2024-03-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE) - (
              CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
            )
          ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE)
        )
      )
    GROUP BY
      "Dvc",
      CAST(FLOOR(
        (
          CAST(EPOCH_US("TimeGenerated") AS DOUBLE) - (
            CAST(EPOCH_US(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
          )
        ) / CAST(CAST(864000000000 AS BIGINT) // 10 AS DOUBLE)
      ) AS BIGINT)
  ) AS _q4
    ON "_q5"."Dvc" IS NOT DISTINCT FROM "_q4"."Dvc"
    AND "_q5"."__kqlhunt_bin" IS NOT DISTINCT FROM "_q4"."__kqlhunt_bin"
  GROUP BY
    "_q5"."Dvc"
) AS _q7
