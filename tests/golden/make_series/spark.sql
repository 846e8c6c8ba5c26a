SELECT
  `Dvc`,
  `Processes`,
  `TimeGenerated`
FROM (
  SELECT
    `_q5`.`Dvc`,
    TO_JSON(
      TO_JSON(COLLECT_LIST(TO_JSON(COALESCE(`_q4`.`_a0`, CAST(CAST(0 AS BIGINT) AS BIGINT)))))
    ) AS `Processes`,
    TO_JSON(
      TO_JSON(
        COLLECT_LIST(
          CASE
            WHEN TIMESTAMP_MICROS(
              CAST((
                CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
              ) + CAST(`_q5`.`__kqlhunt_bin` AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) AS BIGINT)
            ) IS NULL
            THEN TO_JSON(NULL)
            ELSE TO_JSON(
              COALESCE(
                CASE
                  WHEN TIMESTAMP_MICROS(
                    CAST((
                      CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                    ) + CAST(`_q5`.`__kqlhunt_bin` AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) AS BIGINT)
                  ) IS NULL
                  THEN ''
                  ELSE CONCAT(
                    DATE_FORMAT(
                      TIMESTAMP_MICROS(
                        CAST((
                          CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                        ) + CAST(`_q5`.`__kqlhunt_bin` AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) AS BIGINT)
                      ),
                      'yyyy-MM-ddTHH:mm:ss'
                    ),
                    CASE
                      WHEN UNIX_MICROS(
                        TIMESTAMP_MICROS(
                          CAST((
                            CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                          ) + CAST(`_q5`.`__kqlhunt_bin` AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) AS BIGINT)
                        )
                      ) % 1000000 = 0
                      THEN 'Z'
                      ELSE CONCAT(
                        '.',
                        LPAD(
                          CAST(UNIX_MICROS(
                            TIMESTAMP_MICROS(
                              CAST((
                                CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                              ) + CAST(`_q5`.`__kqlhunt_bin` AS DOUBLE) * CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) AS BIGINT)
                            )
                          ) % 1000000 AS STRING),
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
          END
        )
      )
    ) AS `TimeGenerated`
  FROM (
    SELECT
      `g`.`Dvc`,
      `s`.`__kqlhunt_bin`
    FROM (
      SELECT DISTINCT
        `Dvc`
      FROM (
        SELECT
          `Dvc`,
          CAST(FLOOR(
            (
              CAST(UNIX_MICROS(`TimeGenerated`) AS DOUBLE) - (
                CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
              )
            ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE)
          ) AS BIGINT) AS `__kqlhunt_bin`,
          COUNT(*) AS `_a0`
        FROM (
          SELECT
            `TimeGenerated`,
            `Dvc`
          FROM (
            SELECT
              `TimeGenerated`,
              `Type`,
              `EventCount`,
              `EventStartTime`,
              `EventEndTime`,
              `EventType`,
              `EventSubType`,
              `EventResult`,
              `EventResultDetails`,
              `EventOriginalResultDetails`,
              `EventSeverity`,
              `EventOriginalSeverity`,
              `EventUid`,
              `EventOriginalUid`,
              `EventOriginalType`,
              `EventOriginalSubType`,
              `EventMessage`,
              `EventProduct`,
              `EventProductVersion`,
              `EventVendor`,
              `EventSchema`,
              `EventSchemaVersion`,
              `EventReportUrl`,
              `EventOwner`,
              `AdditionalFields`,
              `Dvc`,
              `DvcIpAddr`,
              `DvcHostname`,
              `DvcDomain`,
              `DvcDomainType`,
              `DvcFQDN`,
              `DvcId`,
              `DvcIdType`,
              `DvcDescription`,
              `DvcMacAddr`,
              `DvcZone`,
              `DvcOs`,
              `DvcOsVersion`,
              `DvcAction`,
              `DvcOriginalAction`,
              `DvcInterface`,
              `DvcScopeId`,
              `DvcScope`,
              `User`,
              `Process`,
              `CommandLine`,
              `Hash`,
              `ActorUserId`,
              `ActorUserIdType`,
              `ActorScope`,
              `ActorScopeId`,
              `ActorUsername`,
              `ActorUsernameType`,
              `ActorSessionId`,
              `ActorUserType`,
              `ActorOriginalUserType`,
              `ActingProcessCommandLine`,
              `ActingProcessCreationTime`,
              `ActingProcessFileCompany`,
              `ActingProcessFileDescription`,
              `ActingProcessFileInternalName`,
              `ActingProcessFileOriginalName`,
              `ActingProcessFileProduct`,
              `ActingProcessFileSize`,
              `ActingProcessFileVersion`,
              `ActingProcessFilename`,
              `ActingProcessGuid`,
              `ActingProcessIMPHASH`,
              `ActingProcessId`,
              `ActingProcessInjectedAddress`,
              `ActingProcessIntegrityLevel`,
              `ActingProcessIsHidden`,
              `ActingProcessMD5`,
              `ActingProcessName`,
              `ActingProcessSHA1`,
              `ActingProcessSHA256`,
              `ActingProcessSHA512`,
              `ActingProcessTokenElevation`,
              `ParentProcessCreationTime`,
              `ParentProcessFileCompany`,
              `ParentProcessFileDescription`,
              `ParentProcessFileProduct`,
              `ParentProcessFileVersion`,
              `ParentProcessGuid`,
              `ParentProcessIMPHASH`,
              `ParentProcessId`,
              `ParentProcessInjectedAddress`,
              `ParentProcessIntegrityLevel`,
              `ParentProcessIsHidden`,
              `ParentProcessMD5`,
              `ParentProcessName`,
              `ParentProcessSHA1`,
              `ParentProcessSHA256`,
              `ParentProcessSHA512`,
              `ParentProcessTokenElevation`,
              `TargetUsername`,
              `TargetUsernameType`,
              `TargetUserId`,
              `TargetUserIdType`,
              `TargetUserSessionId`,
              `TargetUserType`,
              `TargetOriginalUserType`,
              `TargetUserScope`,
              `TargetUserScopeId`,
              `TargetUserSessionGuid`,
              `TargetProcessCommandLine`,
              `TargetProcessCreationTime`,
              `TargetProcessCurrentDirectory`,
              `TargetProcessFileCompany`,
              `TargetProcessFileDescription`,
              `TargetProcessFileInternalName`,
              `TargetProcessFileOriginalName`,
              `TargetProcessFileProduct`,
              `TargetProcessFileSize`,
              `TargetProcessFileVersion`,
              `TargetProcessFilename`,
              `TargetProcessGuid`,
              `TargetProcessIMPHASH`,
              `TargetProcessId`,
              `TargetProcessInjectedAddress`,
              `TargetProcessIntegrityLevel`,
              `TargetProcessIsHidden`,
              `TargetProcessMD5`,
              `TargetProcessName`,
              `TargetProcessSHA1`,
              `TargetProcessSHA256`,
              `TargetProcessSHA512`,
              `TargetProcessStatusCode`,
              `TargetProcessTokenElevation`,
              `HashType`,
              `RuleName`,
              `RuleNumber`,
              `Rule`,
              `ThreatId`,
              `ThreatName`,
              `ThreatCategory`,
              `ThreatRiskLevel`,
              `ThreatOriginalRiskLevel`,
              `ThreatField`,
              `ThreatConfidence`,
              `ThreatOriginalConfidence`,
              `ThreatIsActive`,
              `ThreatFirstReportedTime`,
              `ThreatLastReportedTime`
            FROM `imProcessCreate`
          ) AS _q1
        ) AS _q3
        WHERE
          (
            CAST(UNIX_MICROS(`TimeGenerated`) AS DOUBLE) - (
              CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
            )
          ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) >= 0
          AND (
            CAST(UNIX_MICROS(`TimeGenerated`) AS DOUBLE) - (
              CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
            )
          ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) < (
            CEIL(
              (
                CAST(UNIX_MICROS(CAST('2024-03-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE) - (
                  CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
                )
              ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE)
            )
          )
        GROUP BY
          `Dvc`,
          CAST(FLOOR(
            (
              CAST(UNIX_MICROS(`TimeGenerated`) AS DOUBLE) - (
                CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
              )
            ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE)
          ) AS BIGINT)
      ) AS _q6
    ) AS g
    LATERAL VIEW
    EXPLODE(
      SEQUENCE(
        0,
        CAST((
          CEIL(
            (
              CAST(UNIX_MICROS(CAST('2024-03-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE) - (
                CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
              )
            ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE)
          )
        ) AS BIGINT) - 1
      )
    ) s AS `__kqlhunt_bin`
  ) AS _q5
  LEFT JOIN (
    SELECT
      `Dvc`,
      CAST(FLOOR(
        (
          CAST(UNIX_MICROS(`TimeGenerated`) AS DOUBLE) - (
            CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
          )
        ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE)
      ) AS BIGINT) AS `__kqlhunt_bin`,
      COUNT(*) AS `_a0`
    FROM (
      SELECT
        `TimeGenerated`,
        `Dvc`
      FROM (
        SELECT
          `TimeGenerated`,
          `Type`,
          `EventCount`,
          `EventStartTime`,
          `EventEndTime`,
          `EventType`,
          `EventSubType`,
          `EventResult`,
          `EventResultDetails`,
          `EventOriginalResultDetails`,
          `EventSeverity`,
          `EventOriginalSeverity`,
          `EventUid`,
          `EventOriginalUid`,
          `EventOriginalType`,
          `EventOriginalSubType`,
          `EventMessage`,
          `EventProduct`,
          `EventProductVersion`,
          `EventVendor`,
          `EventSchema`,
          `EventSchemaVersion`,
          `EventReportUrl`,
          `EventOwner`,
          `AdditionalFields`,
          `Dvc`,
          `DvcIpAddr`,
          `DvcHostname`,
          `DvcDomain`,
          `DvcDomainType`,
          `DvcFQDN`,
          `DvcId`,
          `DvcIdType`,
          `DvcDescription`,
          `DvcMacAddr`,
          `DvcZone`,
          `DvcOs`,
          `DvcOsVersion`,
          `DvcAction`,
          `DvcOriginalAction`,
          `DvcInterface`,
          `DvcScopeId`,
          `DvcScope`,
          `User`,
          `Process`,
          `CommandLine`,
          `Hash`,
          `ActorUserId`,
          `ActorUserIdType`,
          `ActorScope`,
          `ActorScopeId`,
          `ActorUsername`,
          `ActorUsernameType`,
          `ActorSessionId`,
          `ActorUserType`,
          `ActorOriginalUserType`,
          `ActingProcessCommandLine`,
          `ActingProcessCreationTime`,
          `ActingProcessFileCompany`,
          `ActingProcessFileDescription`,
          `ActingProcessFileInternalName`,
          `ActingProcessFileOriginalName`,
          `ActingProcessFileProduct`,
          `ActingProcessFileSize`,
          `ActingProcessFileVersion`,
          `ActingProcessFilename`,
          `ActingProcessGuid`,
          `ActingProcessIMPHASH`,
          `ActingProcessId`,
          `ActingProcessInjectedAddress`,
          `ActingProcessIntegrityLevel`,
          `ActingProcessIsHidden`,
          `ActingProcessMD5`,
          `ActingProcessName`,
          `ActingProcessSHA1`,
          `ActingProcessSHA256`,
          `ActingProcessSHA512`,
          `ActingProcessTokenElevation`,
          `ParentProcessCreationTime`,
          `ParentProcessFileCompany`,
          `ParentProcessFileDescription`,
          `ParentProcessFileProduct`,
          `ParentProcessFileVersion`,
          `ParentProcessGuid`,
          `ParentProcessIMPHASH`,
          `ParentProcessId`,
          `ParentProcessInjectedAddress`,
          `ParentProcessIntegrityLevel`,
          `ParentProcessIsHidden`,
          `ParentProcessMD5`,
          `ParentProcessName`,
          `ParentProcessSHA1`,
          `ParentProcessSHA256`,
          `ParentProcessSHA512`,
          `ParentProcessTokenElevation`,
          `TargetUsername`,
          `TargetUsernameType`,
          `TargetUserId`,
          `TargetUserIdType`,
          `TargetUserSessionId`,
          `TargetUserType`,
          `TargetOriginalUserType`,
          `TargetUserScope`,
          `TargetUserScopeId`,
          `TargetUserSessionGuid`,
          `TargetProcessCommandLine`,
          `TargetProcessCreationTime`,
          `TargetProcessCurrentDirectory`,
          `TargetProcessFileCompany`,
          `TargetProcessFileDescription`,
          `TargetProcessFileInternalName`,
          `TargetProcessFileOriginalName`,
          `TargetProcessFileProduct`,
          `TargetProcessFileSize`,
          `TargetProcessFileVersion`,
          `TargetProcessFilename`,
          `TargetProcessGuid`,
          `TargetProcessIMPHASH`,
          `TargetProcessId`,
          `TargetProcessInjectedAddress`,
          `TargetProcessIntegrityLevel`,
          `TargetProcessIsHidden`,
          `TargetProcessMD5`,
          `TargetProcessName`,
          `TargetProcessSHA1`,
          `TargetProcessSHA256`,
          `TargetProcessSHA512`,
          `TargetProcessStatusCode`,
          `TargetProcessTokenElevation`,
          `HashType`,
          `RuleName`,
          `RuleNumber`,
          `Rule`,
          `ThreatId`,
          `ThreatName`,
          `ThreatCategory`,
          `ThreatRiskLevel`,
          `ThreatOriginalRiskLevel`,
          `ThreatField`,
          `ThreatConfidence`,
          `ThreatOriginalConfidence`,
          `ThreatIsActive`,
          `ThreatFirstReportedTime`,
          `ThreatLastReportedTime`
        FROM `imProcessCreate`
      ) AS _q1
    ) AS _q3
    WHERE
      (
        CAST(UNIX_MICROS(`TimeGenerated`) AS DOUBLE) - (
          CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
        )
      ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) >= 0
      AND (
        CAST(UNIX_MICROS(`TimeGenerated`) AS DOUBLE) - (
          CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
        )
      ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE) < (
        CEIL(
          (
            CAST(UNIX_MICROS(CAST('2024-03-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE) - (
              CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
            )
          ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE)
        )
      )
    GROUP BY
      `Dvc`,
      CAST(FLOOR(
        (
          CAST(UNIX_MICROS(`TimeGenerated`) AS DOUBLE) - (
            CAST(UNIX_MICROS(CAST('2024-02-01 00:00:00.000000' AS TIMESTAMP)) AS DOUBLE)
          )
        ) / CAST(CAST(864000000000 AS BIGINT) DIV 10 AS DOUBLE)
      ) AS BIGINT)
  ) AS _q4
    ON `_q5`.`Dvc` IS NOT DISTINCT FROM `_q4`.`Dvc`
    AND `_q5`.`__kqlhunt_bin` IS NOT DISTINCT FROM `_q4`.`__kqlhunt_bin`
  GROUP BY
    `_q5`.`Dvc`
) AS _q7
